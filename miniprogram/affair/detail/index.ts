/**
 * One affair (社区事务): its status, category, urgency and deadline, place, description, parties,
 * photos, reporter (or 匿名), who handles it, the result and the rating, and the timeline. A dispute
 * the viewer may not see in detail (the grid's worker) shows its status and a notice only.
 *
 * The buttons come from the cloud's `allowed` alone; each opens its form on the page:
 * 交社区办理 (handle) and 吹哨 (whistle) for staff, 报到 (respond: 接收 or 退回) for the department,
 * 办理结果 (resolve) for the handler, 确认 (confirm: 确认办结 or 重新办理) and 评价 (rate). What a form
 * picks from (the people to assign, the departments, the caller's photo folder for the result's
 * photos) is loaded when it opens, so the first screen is one call (affair.get). Every action replies with the
 * affair as it now is, which the page shows without reloading.
 */
import type { AffairCommand, AffairView, DepartmentView, VolunteerView } from '../../../core/contract';
import type { MediationTier } from '../../../core/model';
import { type ApiReply, call } from '../../api/api';
import { imageUrl, type UploadedPhoto, uploadChosenPhotos } from '../../api/files';
import { refreshPage } from '../../behaviors/refresh';
import { formatTime, largeText, wholeNumber } from '../../utils/format';
import { AFFAIR_STATUS_TAG, AFFAIR_STATUS_TEXT, TIER_TEXT } from '../../utils/labels';

const DISPUTE = '矛盾纠纷';
const MAX_PHOTOS = 3;
const MAX_DEADLINE_HOURS = 720;
const PEOPLE_PAGE = 50;

const HANDLER_KIND_TEXT: Record<NonNullable<AffairView['handler']>['kind'], string> = { staff: '社区工作人员', grid_worker: '网格员', volunteer: '志愿者' };

const TIERS = (Object.keys(TIER_TEXT) as MediationTier[]).map((value) => ({ value, text: TIER_TEXT[value] }));

type Form = '' | AffairCommand;

interface Step {
  text: string;
  desc: string;
}

/** Someone staff may give the affair to. */
interface Person {
  id: string;
  name: string;
  meta: string;
}

/** What a van-field holds (an emptied field may report no string). */
const fieldValue = (event: Vant.FieldChange): string => (typeof event.detail === 'string' ? event.detail : '');

function stepsOf(affair: AffairView): Step[] {
  return (affair.timeline ?? []).map((entry) => ({
    text: `${AFFAIR_STATUS_TEXT[entry.to]}${entry.tier ? `（${TIER_TEXT[entry.tier]}）` : ''}`,
    desc: [formatTime(entry.at), entry.byName, entry.note].filter(Boolean).join(' '),
  }));
}

function reporterText(affair: AffairView): string {
  if (affair.reporterName) return affair.anonymous ? `${affair.reporterName}（匿名上报）` : affair.reporterName;
  return affair.anonymous ? '匿名' : '';
}

/** The form's fields, emptied each time a form opens. */
const EMPTY_FORM = {
  text: '',
  assignee: '',
  departmentId: '',
  deadline: '',
  tier: '' as MediationTier | '',
  stars: 0,
  resolvePhotos: [] as UploadedPhoto[],
  formError: '',
};

Component({
  behaviors: [refreshPage],
  data: {
    largeText: false,
    loading: true,
    error: '',
    affairId: '',
    affair: null as AffairView | null,
    statusText: AFFAIR_STATUS_TEXT,
    statusTag: AFFAIR_STATUS_TAG,
    tierText: TIER_TEXT,
    tiers: TIERS,
    dispute: false,
    createdText: '',
    dueText: '',
    placeText: '',
    reporter: '',
    handlerText: '',
    photoUrls: [] as string[],
    resolutionPhotoUrls: [] as string[],
    resolutionText: '',
    steps: [] as Step[],
    /** The open form (one of `allowed`), or none. */
    form: '' as Form,
    ...EMPTY_FORM,
    /** What the open form picks from: loading, or why it could not be loaded. */
    formLoading: false,
    formLoadError: '',
    /** The caller's community, asked once when the people to assign are. */
    communityId: '',
    /** Where the caller's photos go (affairs/<folder>/…), asked once when the result's form opens. */
    photoFolder: '',
    staffPeople: [] as Person[],
    gridWorkers: [] as Person[],
    volunteers: [] as Person[],
    volunteersCursor: '',
    loadingMore: false,
    peopleLoaded: false,
    departments: [] as DepartmentView[],
    departmentsLoaded: false,
    uploading: false,
    busy: false,
  },
  methods: {
    onLoad(query: { affairId?: string }) {
      this.setData({ largeText: largeText(), affairId: query.affairId ?? '' });
      void this.load();
    },
    async load() {
      if (!this.data.affairId) return this.setData({ loading: false, error: '没有找到该问题，请从列表重新打开' });
      this.setData({ loading: true, error: '' });
      const reply = await call('affair.get', { affairId: this.data.affairId }, { toast: false });
      if (reply.ok) this.show(reply.data.affair);
      else this.setData({ loading: false, error: reply.error.message });
    },
    show(affair: AffairView) {
      const form = this.data.form && affair.allowed.includes(this.data.form) ? this.data.form : '';
      this.setData({
        loading: false,
        affair,
        dispute: affair.category === DISPUTE,
        createdText: formatTime(affair.createdAt),
        dueText: formatTime(affair.dueAt),
        placeText: [affair.building, affair.placeDetail].filter(Boolean).join(' '),
        reporter: reporterText(affair),
        handlerText: affair.handler ? `${affair.handler.name}（${HANDLER_KIND_TEXT[affair.handler.kind]}）` : '',
        photoUrls: (affair.photos ?? []).map(imageUrl),
        resolutionPhotoUrls: (affair.resolution?.photos ?? []).map(imageUrl),
        resolutionText: affair.resolution ? `${affair.resolution.byName} ${formatTime(affair.resolution.at)}` : '',
        steps: stepsOf(affair),
        form,
      });
    },
    onPreviewPhoto(event: WechatMiniprogram.BaseEvent) {
      const { url, group } = event.currentTarget.dataset as { url: string; group: string };
      wx.previewImage({ urls: group === 'resolution' ? this.data.resolutionPhotoUrls : this.data.photoUrls, current: url });
    },

    /** Opens a form (tapping its button again closes it) and loads what it picks from. */
    onOpen(event: WechatMiniprogram.BaseEvent) {
      const form = String(event.currentTarget.dataset.form) as AffairCommand;
      if (this.data.busy) return;
      if (this.data.form === form) return this.setData({ form: '' });
      this.setData({ form, ...EMPTY_FORM, formLoadError: '' });
      void this.prepare(form);
    },
    onClose() {
      this.setData({ form: '', formError: '' });
    },
    async prepare(form: Form) {
      if (form === 'handle' && !this.data.peopleLoaded) await this.loadPeople();
      else if (form === 'whistle' && !this.data.departmentsLoaded) await this.loadDepartments();
      else if (form === 'resolve' && !this.data.photoFolder) await this.loadPhotoFolder();
    },
    onRetryForm() {
      this.setData({ formLoadError: '' });
      void this.prepare(this.data.form);
    },
    /** The caller's community (asked once). */
    async loadCommunity(): Promise<boolean> {
      if (this.data.communityId) return true;
      this.setData({ formLoading: true });
      const me = await call('user.me', {}, { toast: false });
      if (!me.ok || !me.data.communityId) {
        this.setData({ formLoading: false, formLoadError: me.ok ? '请先在“我的”页面完成登记' : me.error.message });
        return false;
      }
      this.setData({ formLoading: false, communityId: me.data.communityId });
      return true;
    },
    /** The folder of this affair's result photos (the cloud derives it from the caller and the affair). */
    async loadPhotoFolder(): Promise<boolean> {
      if (this.data.photoFolder) return true;
      this.setData({ formLoading: true });
      const reply = await call('affair.photoFolder', { for: 'resolve', affairId: this.data.affairId }, { toast: false });
      if (!reply.ok) {
        this.setData({ formLoading: false, formLoadError: reply.error.message });
        return false;
      }
      this.setData({ formLoading: false, photoFolder: reply.data.folder });
      return true;
    },
    /** The community's staff and grid workers, and its approved volunteers (the first page of each). */
    async loadPeople() {
      if (!(await this.loadCommunity())) return;
      this.setData({ formLoading: true });
      const communityId = this.data.communityId;
      const [staff, grid, volunteers] = await Promise.all([
        call('community.members', { communityId, role: 'staff', limit: PEOPLE_PAGE }, { toast: false }),
        call('community.members', { communityId, role: 'grid_worker', limit: PEOPLE_PAGE }, { toast: false }),
        call('volunteer.list', { status: 'approved', limit: PEOPLE_PAGE }, { toast: false }),
      ]);
      if (!staff.ok || !grid.ok || !volunteers.ok) {
        const message = !staff.ok ? staff.error.message : !grid.ok ? grid.error.message : !volunteers.ok ? volunteers.error.message : '';
        return this.setData({ formLoading: false, formLoadError: message });
      }
      const staffPeople = staff.data.items.map((member) => ({ id: member.openid, name: member.name, meta: '社区工作人员' }));
      // Staff first (the handler is named as staff when they are both), then grid workers.
      const gridWorkers = grid.data.items
        .filter((member) => !staffPeople.some((person) => person.id === member.openid))
        .map((member) => ({ id: member.openid, name: member.name, meta: member.gridNames?.length ? `网格员 · ${member.gridNames.join('、')}` : '网格员' }));
      this.setData({ formLoading: false, peopleLoaded: true, staffPeople, gridWorkers, volunteers: [], volunteersCursor: '' });
      this.addVolunteers(volunteers.data.items, volunteers.data.nextCursor);
    },
    /** Approved volunteers who are not listed already as staff or grid workers (who would be named so). */
    addVolunteers(items: VolunteerView[], nextCursor: string | null) {
      const listed = new Set([...this.data.staffPeople, ...this.data.gridWorkers, ...this.data.volunteers].map((person) => person.id));
      const added = items
        .filter((volunteer) => !listed.has(volunteer.openid))
        .map((volunteer) => ({ id: volunteer.openid, name: volunteer.realName, meta: volunteer.skills.length ? `志愿者 · ${volunteer.skills.join('、')}` : '志愿者' }));
      this.setData({ volunteers: [...this.data.volunteers, ...added], volunteersCursor: nextCursor ?? '' });
    },
    async onMoreVolunteers() {
      const cursor = this.data.volunteersCursor;
      if (!cursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      const reply = await call('volunteer.list', { status: 'approved', limit: PEOPLE_PAGE, cursor }, { toast: false });
      this.setData({ loadingMore: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      this.addVolunteers(reply.data.items, reply.data.nextCursor);
    },
    /** The community's active departments that handle this category. */
    async loadDepartments() {
      this.setData({ formLoading: true });
      const reply = await call('department.list', {}, { toast: false });
      if (!reply.ok) return this.setData({ formLoading: false, formLoadError: reply.error.message });
      const category = this.data.affair?.category;
      this.setData({
        formLoading: false,
        departmentsLoaded: true,
        departments: reply.data.filter((department) => department.active && category !== undefined && department.categories.includes(category)),
      });
    },

    onText(event: Vant.FieldChange) {
      this.setData({ text: fieldValue(event), formError: '' });
    },
    onDeadline(event: Vant.FieldChange) {
      this.setData({ deadline: fieldValue(event), formError: '' });
    },
    onAssignee(event: WechatMiniprogram.BaseEvent) {
      this.setData({ assignee: String(event.currentTarget.dataset.id), formError: '' });
    },
    onDepartment(event: WechatMiniprogram.BaseEvent) {
      this.setData({ departmentId: String(event.currentTarget.dataset.id), formError: '' });
    },
    onTier(event: WechatMiniprogram.BaseEvent) {
      const tier = event.currentTarget.dataset.tier as MediationTier;
      this.setData({ tier: this.data.tier === tier ? '' : tier, formError: '' });
    },
    onStars(event: Vant.RateChange) {
      this.setData({ stars: event.detail, formError: '' });
    },

    /** The form's text if within `max` (required: not empty), else the message is shown and null returned. */
    textOf(label: string, max: number, required: string | null): string | null {
      const text = this.data.text.trim();
      if (required && !text) {
        this.setData({ formError: required });
        return null;
      }
      if (text.length > max) {
        this.setData({ formError: `${label}不能超过 ${max} 个字` });
        return null;
      }
      return text;
    },
    /** The deadline and tier staff chose, or null after showing what is wrong. */
    assignment(): { deadlineHours?: number; tier?: MediationTier; note?: string } | null {
      const deadline = this.data.deadline.trim();
      let deadlineHours: number | undefined;
      if (deadline) {
        const hours = wholeNumber(deadline, '办理时限', 1, MAX_DEADLINE_HOURS);
        if (typeof hours === 'string') {
          this.setData({ formError: hours });
          return null;
        }
        deadlineHours = hours;
      }
      const note = this.textOf('说明', 200, null);
      if (note === null) return null;
      return {
        ...(deadlineHours ? { deadlineHours } : {}),
        ...(this.data.dispute && this.data.tier ? { tier: this.data.tier } : {}),
        ...(note ? { note } : {}),
      };
    },
    /** Shows what an action replied: the affair as it now is, or the cloud's refusal in the form. */
    done(reply: ApiReply<{ affair: AffairView }>, success: string) {
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      this.setData({ form: '' });
      this.show(reply.data.affair);
      wx.showToast({ title: success, icon: 'success' });
    },

    async onHandle() {
      if (this.data.busy) return;
      if (!this.data.assignee) return this.setData({ formError: '请选择承办人' });
      const chosen = this.assignment();
      if (!chosen) return;
      this.setData({ busy: true, formError: '' });
      this.done(await call('affair.handle', { affairId: this.data.affairId, assignee: this.data.assignee, ...chosen }, { loading: '正在交办', toast: false }), '已交办');
    },
    async onWhistle() {
      if (this.data.busy) return;
      if (!this.data.departmentId) return this.setData({ formError: '请选择部门' });
      const chosen = this.assignment();
      if (!chosen) return;
      this.setData({ busy: true, formError: '' });
      this.done(await call('affair.whistle', { affairId: this.data.affairId, departmentId: this.data.departmentId, ...chosen }, { loading: '正在吹哨', toast: false }), '已吹哨');
    },
    async onRespond(event: WechatMiniprogram.BaseEvent) {
      if (this.data.busy) return;
      const accept = event.currentTarget.dataset.decision === 'accept';
      const text = accept ? this.textOf('说明', 200, null) : this.textOf('退回的原因', 200, '请填写退回的原因');
      if (text === null) return;
      this.setData({ busy: true, formError: '' });
      const { affairId } = this.data;
      const reply = accept
        ? await call('affair.respond', { affairId, decision: 'accept', ...(text ? { note: text } : {}) }, { loading: '正在提交', toast: false })
        : await call('affair.respond', { affairId, decision: 'return', reason: text }, { loading: '正在提交', toast: false });
      this.done(reply, accept ? '已接收' : '已退回社区');
    },
    async onResolve() {
      if (this.data.busy || this.data.uploading) return;
      const summary = this.textOf('办理结果', 500, '请填写办理结果');
      if (summary === null) return;
      this.setData({ busy: true, formError: '' });
      const photos = this.data.resolvePhotos.map((photo) => photo.fileID);
      this.done(await call('affair.resolve', { affairId: this.data.affairId, summary, ...(photos.length ? { photos } : {}) }, { loading: '正在提交', toast: false }), '已提交办理结果');
    },
    async onConfirm(event: WechatMiniprogram.BaseEvent) {
      if (this.data.busy) return;
      const confirm = event.currentTarget.dataset.decision === 'confirm';
      const text = confirm ? this.textOf('说明', 200, null) : this.textOf('重新办理的原因', 200, '请填写重新办理的原因');
      if (text === null) return;
      this.setData({ busy: true, formError: '' });
      const { affairId } = this.data;
      const reply = confirm
        ? await call('affair.confirm', { affairId, decision: 'confirm', ...(text ? { note: text } : {}) }, { loading: '正在提交', toast: false })
        : await call('affair.confirm', { affairId, decision: 'reopen', reason: text }, { loading: '正在提交', toast: false });
      this.done(reply, confirm ? '已确认办结' : '已退回重新办理');
    },
    async onRate() {
      if (this.data.busy) return;
      if (this.data.stars < 1) return this.setData({ formError: '请点星星打分' });
      const comment = this.textOf('评价', 300, null);
      if (comment === null) return;
      this.setData({ busy: true, formError: '' });
      this.done(await call('affair.rate', { affairId: this.data.affairId, stars: this.data.stars, ...(comment ? { comment } : {}) }, { loading: '正在提交', toast: false }), '感谢您的评价');
    },

    /** A photo of the result: uploaded at once, into my photo folder, the only one the cloud accepts. */
    async onPhotoRead(event: Vant.UploaderAfterRead) {
      if (!(await this.loadPhotoFolder())) return;
      this.setData({ uploading: true });
      await uploadChosenPhotos(event, {
        folder: `affairs/${this.data.photoFolder}`,
        stem: `${this.data.affairId}-result`,
        max: MAX_PHOTOS,
        held: () => this.data.resolvePhotos,
        set: (resolvePhotos) => this.setData({ resolvePhotos }),
      });
      this.setData({ uploading: false });
    },
    onPhotoDelete(event: Vant.UploaderDelete) {
      this.setData({ resolvePhotos: this.data.resolvePhotos.filter((_photo, index) => index !== event.detail.index) });
    },
  },
});
