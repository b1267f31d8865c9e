/**
 * Volunteer activities (志愿活动管理): upcoming and past activities of the community with their
 * sign-up counts; staff publish one in a form (checked here before sending), edit or cancel one
 * while the cloud allows it (the activity's `allowed`: until it ends), and open one for its
 * attendance sheet. Times are typed as Beijing wall time and
 * sent as ISO instants with +08:00, whatever zone the phone is set to.
 *
 * The points per hour are what an activity pays, so a new rate is only proposed: it shows beside
 * the activity as 待审核 until another staff member approves it on 积分规则审核 (staff/rules).
 */
import type { ActivityView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call, newRequestId } from '../../api/api';
import { type ActivityCard, activityCard, PHASE_LABELS } from '../../utils/activities';
import { formatTime, wholeNumber } from '../../utils/format';
import { POINTS_PROPOSED_TEXT } from '../../utils/labels';
import { beijingToday } from '../../utils/records';

type When = 'upcoming' | 'past';

type ActivityRow = ActivityView & ActivityCard & { closesText: string; upcoming: boolean; hasPendingRate: boolean };

interface Form {
  /** Set when editing. */
  id: string;
  name: string;
  content: string;
  place: string;
  date: string;
  startTime: string;
  endTime: string;
  organiser: string;
  personInCharge: string;
  capacity: number;
  skills: string[];
  pointsPerHour: string;
  closesDate: string;
  closesTime: string;
  /** A rate already proposed and waiting for review ('' when none). */
  pendingPointsPerHour: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** An ISO instant as Beijing date and time ("2026-11-21", "14:30"). */
function beijing(iso: string): { date: string; time: string } {
  const local = formatTime(iso);
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

/** Beijing wall time as the ISO instant the cloud expects. */
const toIso = (date: string, time: string): string => `${date}T${time}:00+08:00`;

function emptyForm(): Form {
  const tomorrow = beijingToday(Date.now() + DAY_MS);
  return {
    id: '',
    name: '',
    content: '',
    place: '',
    date: tomorrow,
    startTime: '09:00',
    endTime: '11:00',
    organiser: '',
    personInCharge: '',
    capacity: 10,
    skills: [],
    pointsPerHour: '10',
    closesDate: '',
    closesTime: '',
    pendingPointsPerHour: '',
  };
}

function toRow(activity: ActivityView): ActivityRow {
  return {
    ...activity,
    ...activityCard(activity),
    closesText: formatTime(activity.signupClosesAt),
    // The sign-up deadline is worth showing until the activity starts.
    upcoming: activity.phase === 'not_open' || activity.phase === 'open' || activity.phase === 'closed',
    hasPendingRate: activity.pendingPointsPerHour !== undefined,
  };
}

/** What is wrong with the form (first problem, in Chinese), or the times as ISO instants. */
function checkForm(form: Form): string | { startAt: string; endAt: string; signupClosesAt?: string; pointsPerHour: number } {
  if (!form.name.trim()) return '请填写活动名称';
  if (form.name.trim().length > 40) return '活动名称不能超过 40 个字';
  if (!form.content.trim()) return '请填写服务内容';
  if (!form.place.trim()) return '请填写活动地点';
  if (!form.date) return '请选择活动日期';
  if (!form.startTime || !form.endTime) return '请选择开始和结束时间';
  // HH:mm compares as text; one activity is one day's service.
  if (form.endTime <= form.startTime) return '结束时间应晚于开始时间';
  if (!Number.isInteger(form.capacity) || form.capacity < 1 || form.capacity > 1000) return '招募人数应在 1–1000 之间';
  const pointsPerHour = wholeNumber(form.pointsPerHour, '每小时积分', 0, 100);
  if (typeof pointsPerHour === 'string') return pointsPerHour;
  const startAt = toIso(form.date, form.startTime);
  const endAt = toIso(form.date, form.endTime);
  if (Boolean(form.closesDate) !== Boolean(form.closesTime)) return '报名截止请同时选择日期和时间';
  if (!form.closesDate) return { startAt, endAt, pointsPerHour };
  const signupClosesAt = toIso(form.closesDate, form.closesTime);
  if (Date.parse(signupClosesAt) > Date.parse(endAt)) return '报名截止时间不能晚于活动结束';
  return { startAt, endAt, signupClosesAt, pointsPerHour };
}

Component({
  behaviors: [listPage<ActivityRow>()],
  data: {
    when: 'upcoming' as When,
    ...PHASE_LABELS,
    /** The form (publish or edit). */
    editing: false,
    form: emptyForm(),
    formError: '',
    skillOptions: [] as string[],
    today: beijingToday(),
    /** One id per activity being published, kept until the cloud confirms it (a retry creates one). */
    requestId: '',
    busy: false,
    /** The activity whose cancellation is being confirmed, with its reason. */
    cancelling: '',
    cancelReason: '',
    cancelError: '',
    /** Stays above the list after a save that proposed a new rate: what happens next. */
    notice: '',
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onReachBottom() {
      // The form covers the list: its bottom is the form's.
      if (!this.data.editing) void this.loadMore();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ when: event.currentTarget.dataset.when as When });
    },
    beforeLoad() {
      this.setData({ cancelling: '' });
    },
    listKey() {
      return this.data.when;
    },
    async fetchList(cursor?: string) {
      return rows(await call('activity.list', { when: this.data.when, cursor }, { toast: false }), toRow);
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      void wx.navigateTo({ url: `/staff/activity/index?id=${String(event.currentTarget.dataset.id)}` });
    },

    /** The skills a volunteer may be asked for: those of the community's services, plus any already chosen. */
    async loadSkills(chosen: string[]) {
      const reply = await call('catalog.list', {}, { toast: false });
      const offered = reply.ok ? reply.data.flatMap((service) => service.skills) : [];
      this.setData({ skillOptions: [...new Set([...offered, ...chosen])] });
    },
    onAdd() {
      this.setData({ editing: true, form: emptyForm(), formError: '', notice: '', today: beijingToday() });
      void this.loadSkills([]);
    },
    onEdit(event: WechatMiniprogram.BaseEvent) {
      const item = this.data.items.find((activity) => activity.id === String(event.currentTarget.dataset.id));
      if (!item) return;
      const start = beijing(item.startAt);
      const closes = beijing(item.signupClosesAt);
      this.setData({
        editing: true,
        formError: '',
        notice: '',
        today: beijingToday(),
        form: {
          id: item.id,
          name: item.name,
          content: item.content,
          place: item.place,
          date: start.date,
          startTime: start.time,
          endTime: beijing(item.endAt).time,
          organiser: item.organiser,
          personInCharge: item.personInCharge,
          capacity: item.capacity,
          skills: item.skills,
          pointsPerHour: String(item.pointsPerHour),
          closesDate: closes.date,
          closesTime: closes.time,
          pendingPointsPerHour: item.pendingPointsPerHour === undefined ? '' : String(item.pendingPointsPerHour),
        },
      });
      void this.loadSkills(item.skills);
    },
    onCancelForm() {
      this.setData({ editing: false, formError: '' });
    },
    onField(event: Vant.FieldChange) {
      this.setData({ [`form.${String(event.currentTarget.dataset.field)}`]: event.detail, formError: '' });
    },
    /** Native pickers (date, time): the field is named on the picker. */
    onPick(event: DateTimePickerChange) {
      this.setData({ [`form.${String(event.currentTarget.dataset.field)}`]: event.detail.value, formError: '' });
    },
    onClearCloses() {
      this.setData({ 'form.closesDate': '', 'form.closesTime': '' });
    },
    onCapacity(event: Vant.StepperChange) {
      this.setData({ 'form.capacity': Number(event.detail), formError: '' });
    },
    onSkills(event: Vant.CheckboxGroupChange) {
      this.setData({ 'form.skills': event.detail });
    },
    async onSave() {
      const form = this.data.form;
      const checked = checkForm(form);
      if (typeof checked === 'string') return this.setData({ formError: checked });
      if (this.data.busy) return;
      this.setData({ busy: true, formError: '' });
      const organiser = form.organiser.trim();
      const personInCharge = form.personInCharge.trim();
      const fields = {
        name: form.name.trim(),
        content: form.content.trim(),
        place: form.place.trim(),
        startAt: checked.startAt,
        endAt: checked.endAt,
        // Blank means the defaults: the community as organiser, me as the person in charge.
        ...(organiser ? { organiser } : {}),
        ...(personInCharge ? { personInCharge } : {}),
        capacity: form.capacity,
        skills: form.skills,
        pointsPerHour: checked.pointsPerHour,
        ...(checked.signupClosesAt ? { signupClosesAt: checked.signupClosesAt } : {}),
      };
      let reply;
      if (form.id) {
        reply = await call('activity.update', { activityId: form.id, ...fields }, { loading: '正在保存', toast: false });
      } else {
        const requestId = this.data.requestId || newRequestId();
        this.setData({ requestId });
        reply = await call('activity.create', { ...fields, clientRequestId: requestId }, { loading: '正在发布', toast: false });
      }
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      const saved = toRow(reply.data);
      const exists = this.data.items.some((item) => item.id === saved.id);
      // A rate other than the one in force was asked for: it is proposed, not applied.
      const proposed = checked.pointsPerHour !== saved.pointsPerHour && saved.pendingPointsPerHour === checked.pointsPerHour;
      this.setData({
        editing: false,
        requestId: '',
        notice: proposed ? POINTS_PROPOSED_TEXT : '',
        items: exists ? this.data.items.map((item) => (item.id === saved.id ? saved : item)) : this.data.when === 'upcoming' ? [saved, ...this.data.items] : this.data.items,
      });
      if (proposed) wx.showToast({ title: form.id ? '已保存，积分待审核' : '已发布，积分待审核', icon: 'none' });
      else wx.showToast({ title: form.id ? '已保存' : '活动已发布', icon: 'success' });
    },

    onCancelActivity(event: WechatMiniprogram.BaseEvent) {
      this.setData({ cancelling: String(event.currentTarget.dataset.id), cancelReason: '', cancelError: '' });
    },
    onKeepActivity() {
      this.setData({ cancelling: '', cancelError: '' });
    },
    onCancelReason(event: Vant.FieldChange) {
      this.setData({ cancelReason: event.detail, cancelError: '' });
    },
    async onSubmitCancel() {
      const activityId = this.data.cancelling;
      const reason = this.data.cancelReason.trim();
      // The volunteers who signed up see the reason.
      if (!reason) return this.setData({ cancelError: '请填写取消原因，报名的志愿者会看到' });
      if (this.data.busy) return;
      this.setData({ busy: true, cancelError: '' });
      const reply = await call('activity.cancel', { activityId, reason }, { loading: '正在提交', toast: false });
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ cancelError: reply.error.message });
      const saved = toRow(reply.data);
      this.setData({ cancelling: '', items: this.data.items.map((item) => (item.id === activityId ? saved : item)) });
      wx.showToast({ title: '活动已取消', icon: 'none' });
    },
  },
});
