/**
 * Service catalogue (服务目录): the community's services, archived ones included. Staff add or edit
 * a service in a form (validated here before sending) and archive (下架) or restore one.
 */
import type { ServiceView } from '../../../core/contract';
import { call } from '../../services/api';
import { wholeNumber } from '../../utils/format';

interface Form {
  id: string;
  name: string;
  category: string;
  skills: string;
  expectedMinutes: string;
  basePoints: string;
  slaHours: string;
  description: string;
}

const EMPTY_FORM: Form = { id: '', name: '', category: '', skills: '', expectedMinutes: '60', basePoints: '10', slaHours: '24', description: '' };

Component({
  data: {
    loading: true,
    error: '',
    items: [] as ServiceView[],
    editing: false,
    form: { ...EMPTY_FORM } as Form,
    formError: '',
    busy: false,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    async load() {
      this.setData({ loading: true, error: '' });
      // Without a communityId the cloud lists the caller's own community: one call.
      const reply = await call('catalog.list', { includeArchived: true }, { toast: false });
      if (reply.ok) this.setData({ loading: false, items: reply.data });
      else this.setData({ loading: false, error: reply.error.message });
    },
    onAdd() {
      this.setData({ editing: true, form: { ...EMPTY_FORM }, formError: '' });
    },
    onEdit(event: WechatMiniprogram.BaseEvent) {
      const item = this.data.items.find((service) => service.id === String(event.currentTarget.dataset.id));
      if (!item) return;
      this.setData({
        editing: true,
        formError: '',
        form: {
          id: item.id,
          name: item.name,
          category: item.category,
          skills: item.skills.join('、'),
          expectedMinutes: String(item.expectedMinutes),
          basePoints: String(item.basePoints),
          slaHours: String(item.slaHours),
          description: item.description ?? '',
        },
      });
    },
    onCancel() {
      this.setData({ editing: false, formError: '' });
    },
    onField(event: WechatMiniprogram.BaseEvent & { detail: string }) {
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
      const saved = reply.data;
      const exists = this.data.items.some((item) => item.id === saved.id);
      this.setData({
        editing: false,
        items: exists ? this.data.items.map((item) => (item.id === saved.id ? saved : item)) : this.data.items.concat(saved),
      });
      wx.showToast({ title: '已保存', icon: 'success' });
    },
    async onToggleArchive(event: WechatMiniprogram.BaseEvent) {
      const id = String(event.currentTarget.dataset.id);
      const item = this.data.items.find((service) => service.id === id);
      if (!item) return;
      const reply = await call('catalog.archive', { id, archived: !item.archived }, { loading: '正在提交' });
      if (reply.ok) {
        this.setData({ items: this.data.items.map((service) => (service.id === id ? reply.data : service)) });
        wx.showToast({ title: reply.data.archived ? '已下架' : '已重新上架', icon: 'none' });
      }
    },
  },
});
