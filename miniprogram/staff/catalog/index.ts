/**
 * Service catalogue (服务目录): the community's services, archived ones included. Staff add or edit
 * a service in a form (validated here before sending) and archive (下架) or restore one.
 *
 * Base points are what a service pays, so a change to them is only proposed: it shows beside the
 * service as 积分待审核 until another staff member approves it on 积分规则审核 (staff/rules). A new
 * service with points waits, archived, until then (待审核上架) and is offered to residents on approval.
 */
import type { ServiceView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { wholeNumber } from '../../utils/format';
import { POINTS_PROPOSED_TEXT } from '../../utils/labels';

interface Form {
  id: string;
  name: string;
  category: string;
  skills: string;
  expectedMinutes: string;
  basePoints: string;
  slaHours: string;
  description: string;
  /** Points already proposed for this service and waiting for review ('' when none). */
  pendingBasePoints: string;
}

interface Row extends ServiceView {
  /**
   * A new service waiting for its points to be approved, to be offered then. The view does not say
   * so; it is the only kind of item that is archived with 0 points and a proposal pending.
   */
  awaitingPublish: boolean;
  /** Base points proposed and waiting for review. */
  hasPending: boolean;
}

const toRow = (item: ServiceView): Row => {
  const hasPending = item.pendingBasePoints !== undefined;
  return { ...item, hasPending, awaitingPublish: item.awaitingListing === true };
};

const EMPTY_FORM: Form = { id: '', name: '', category: '', skills: '', expectedMinutes: '60', basePoints: '10', slaHours: '24', description: '', pendingBasePoints: '' };

Component({
  behaviors: [listPage<Row>()],
  data: {
    /** Stays above the list after a save that proposed points: what happens next. */
    notice: '',
    editing: false,
    form: { ...EMPTY_FORM } as Form,
    formError: '',
    busy: false,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    /** The whole catalogue in one page. Without a communityId the cloud lists the caller's own community. */
    async fetchList() {
      return rows(await call('catalog.list', { includeArchived: true }, { toast: false }), toRow);
    },
    onAdd() {
      this.setData({ editing: true, form: { ...EMPTY_FORM }, formError: '', notice: '' });
    },
    onEdit(event: WechatMiniprogram.BaseEvent) {
      const item = this.data.items.find((service) => service.id === String(event.currentTarget.dataset.id));
      if (!item) return;
      this.setData({
        editing: true,
        formError: '',
        notice: '',
        form: {
          id: item.id,
          name: item.name,
          category: item.category,
          skills: item.skills.join('、'),
          expectedMinutes: String(item.expectedMinutes),
          basePoints: String(item.basePoints),
          slaHours: String(item.slaHours),
          description: item.description ?? '',
          pendingBasePoints: item.pendingBasePoints === undefined ? '' : String(item.pendingBasePoints),
        },
      });
    },
    onCancel() {
      this.setData({ editing: false, formError: '' });
    },
    onField(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field);
      this.setData({ [`form.${field}`]: event.detail, formError: '' });
    },
    async onSave() {
      const form = this.data.form;
      const skills = form.skills
        .split(/[,，、\s]+/)
        .map((skill) => skill.trim())
        .filter(Boolean);
      const expectedMinutes = wholeNumber(form.expectedMinutes, '预计用时', 1, 24 * 60);
      const basePoints = wholeNumber(form.basePoints, '基础积分', 0, 1000);
      const slaHours = wholeNumber(form.slaHours, '办结时限', 1, 24 * 30);
      let problem = '';
      if (!form.name.trim()) problem = '请填写服务名称';
      else if (!form.category.trim()) problem = '请填写服务类别';
      else if (skills.length === 0) problem = '请至少填写一项技能';
      else if (typeof expectedMinutes === 'string') problem = expectedMinutes;
      else if (typeof basePoints === 'string') problem = basePoints;
      else if (typeof slaHours === 'string') problem = slaHours;
      if (problem || typeof expectedMinutes === 'string' || typeof basePoints === 'string' || typeof slaHours === 'string') {
        return this.setData({ formError: problem });
      }
      if (this.data.busy) return;
      this.setData({ busy: true, formError: '' });
      const description = form.description.trim();
      const reply = await call(
        'catalog.upsert',
        {
          ...(form.id ? { id: form.id } : {}),
          name: form.name.trim(),
          category: form.category.trim(),
          skills,
          expectedMinutes,
          basePoints,
          slaHours,
          ...(description ? { description } : {}),
        },
        { loading: '正在保存', toast: false },
      );
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      const saved = toRow(reply.data);
      const exists = this.data.items.some((item) => item.id === saved.id);
      // Points other than those in force were asked for: they are proposed, not applied.
      const proposed = basePoints !== saved.basePoints && saved.pendingBasePoints === basePoints;
      this.setData({
        editing: false,
        notice: proposed ? (saved.awaitingPublish ? `${POINTS_PROPOSED_TEXT}，通过后该服务自动上架` : POINTS_PROPOSED_TEXT) : '',
        items: exists ? this.data.items.map((item) => (item.id === saved.id ? saved : item)) : this.data.items.concat(saved),
      });
      if (proposed) wx.showToast({ title: '已保存，积分待审核', icon: 'none' });
      else wx.showToast({ title: '已保存', icon: 'success' });
    },
    async onToggleArchive(event: WechatMiniprogram.BaseEvent) {
      const id = String(event.currentTarget.dataset.id);
      const item = this.data.items.find((service) => service.id === id);
      if (!item) return;
      const reply = await call('catalog.archive', { id, archived: !item.archived }, { loading: '正在提交' });
      if (reply.ok) {
        this.setData({ items: this.data.items.map((service) => (service.id === id ? toRow(reply.data) : service)) });
        wx.showToast({ title: reply.data.archived ? '已下架' : '已重新上架', icon: 'none' });
      }
    },
  },
});
