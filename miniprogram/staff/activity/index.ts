/**
 * Attendance for one activity (活动签到, ?id=): the rotating check-in code shown big for volunteers
 * to type in, and the attendance sheet, where staff check a volunteer in or out for them (no phone,
 * code not working) or mark a no-show. No phone numbers here: names and statuses are enough.
 *
 * The code changes every minute (the previous one is still accepted), so the page asks for it again
 * when it rotates and at least every 15 s while the page is shown; the phone's clock may be off, so
 * the wait is kept within 2–15 s whatever rotatesAt says.
 */
import type { ActivityView, AttendanceMark, SheetRow } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { confirm } from '../../utils/dialog';
import { formatTime } from '../../utils/format';
import { activityCard, PHASE_LABELS } from '../../utils/activities';
import { SIGNUP_STATUS_TAG, SIGNUP_STATUS_TEXT } from '../../utils/labels';

type SignupRow = SheetRow & { checkInText: string; checkOutText: string };

const REFRESH_MAX_MS = 15_000;
const REFRESH_MIN_MS = 2_000;
/** The cloud shows the code from when check-in opens before the start; a page opened earlier waits (≤ 10 min a try). */
const CODE_WAIT_MAX_MS = 10 * 60_000;

/**
 * Per page instance: whether it is shown (no code refreshes once it is hidden or closed) and its
 * pending refresh. Kept out of `data`: the view never shows them.
 */
const codeLoops = new WeakMap<object, { visible: boolean; timer?: ReturnType<typeof setTimeout> }>();

const MARK_DONE: Record<AttendanceMark, string> = { check_in: '已代签到', check_out: '已代签退', no_show: '已标记未到' };

function toRow(signup: SheetRow): SignupRow {
  return { ...signup, checkInText: formatTime(signup.checkInAt).slice(11), checkOutText: formatTime(signup.checkOutAt).slice(11) };
}

Component({
  behaviors: [refreshPage],
  data: {
    activityId: '',
    loading: true,
    error: '',
    activity: null as ActivityView | null,
    timeText: '',
    /** Everyone with a place (enrolled, checked in, done, no-show), each with the marks the cloud allows now; then the waiting list in order. */
    sheet: [] as SignupRow[],
    waitlist: [] as SignupRow[],
    counts: { enrolled: 0, checkedIn: 0, attended: 0, noShow: 0, waitlisted: 0 },
    code: '',
    codeError: '',
    busy: '',
    ...PHASE_LABELS,
    statusText: SIGNUP_STATUS_TEXT,
    statusTag: SIGNUP_STATUS_TAG,
  },
  lifetimes: {
    detached() {
      this.stopCode();
    },
  },
  methods: {
    onLoad(query: { id?: string }) {
      codeLoops.set(this, { visible: true });
      this.setData({ activityId: query.id ?? '' });
      void this.load();
    },
    onShow() {
      // Back from another page: the code shown may be stale.
      const loop = codeLoops.get(this);
      if (!loop || loop.visible || !this.data.activity) return;
      loop.visible = true;
      void this.refreshCode();
    },
    onHide() {
      this.stopCode();
    },
    onUnload() {
      this.stopCode();
    },
    async load() {
      if (!this.data.activityId) return this.setData({ loading: false, error: '没有找到这个活动' });
      this.setData({ loading: true, error: '' });
      await this.loadSheet();
      if (this.data.activity) await this.refreshCode();
    },
    async loadSheet() {
      const reply = await call('activity.attendance', { activityId: this.data.activityId }, { toast: false });
      if (!reply.ok) return this.setData({ loading: false, error: reply.error.message });
      const { activity, signups } = reply.data;
      const sheet = signups.filter((s) => s.status !== 'waitlisted' && s.status !== 'withdrawn').map(toRow);
      const waitlist = signups
        .filter((s) => s.status === 'waitlisted')
        .sort((a, b) => (a.waitPosition ?? Infinity) - (b.waitPosition ?? Infinity))
        .map(toRow);
      const count = (status: SheetRow['status']) => signups.filter((s) => s.status === status).length;
      this.setData({
        loading: false,
        activity,
        timeText: activityCard(activity).timeText,
        sheet,
        waitlist,
        counts: { enrolled: activity.enrolled, checkedIn: count('checked_in'), attended: count('attended'), noShow: count('no_show'), waitlisted: waitlist.length },
      });
    },

    async refreshCode() {
      this.stopTimer();
      const activity = this.data.activity;
      if (!activity || !this.shown()) return;
      if (activity.status === 'cancelled') return this.setData({ code: '', codeError: '活动已取消，无需签到' });
      const reply = await call('activity.code', { activityId: this.data.activityId }, { toast: false });
      // Hidden or closed meanwhile: do not start another round.
      if (!this.shown()) return;
      if (reply.ok) {
        this.setData({ code: reply.data.code, codeError: '' });
        const untilRotation = Date.parse(reply.data.rotatesAt) - Date.now() + 500;
        this.schedule(Number.isNaN(untilRotation) ? REFRESH_MAX_MS : Math.min(REFRESH_MAX_MS, Math.max(REFRESH_MIN_MS, untilRotation)));
      } else {
        this.setData({ code: '', codeError: reply.error.message });
        // A lost connection heals; so does "too early" (the code shows from when check-in opens:
        // ask again about then, 15 s to 10 min on); "ended" or "not allowed" do not.
        const untilShown = Date.parse(activity.checkInOpensAt) - Date.now();
        if (reply.error.code === 'NETWORK' || reply.error.code === 'INTERNAL') this.schedule(REFRESH_MAX_MS);
        else if (reply.error.code === 'CONFLICT' && (activity.phase === 'not_open' || activity.phase === 'open' || activity.phase === 'closed')) {
          this.schedule(Math.min(CODE_WAIT_MAX_MS, Math.max(REFRESH_MAX_MS, untilShown)));
        }
      }
    },
    shown(): boolean {
      return codeLoops.get(this)?.visible === true;
    },
    schedule(ms: number) {
      const loop = codeLoops.get(this);
      if (!loop) return;
      if (loop.timer !== undefined) clearTimeout(loop.timer);
      loop.timer = setTimeout(() => void this.refreshCode(), ms);
    },
    stopTimer() {
      const loop = codeLoops.get(this);
      if (loop?.timer !== undefined) clearTimeout(loop.timer);
      if (loop) delete loop.timer;
    },
    stopCode() {
      this.stopTimer();
      const loop = codeLoops.get(this);
      if (loop) loop.visible = false;
    },

    async onMark(event: WechatMiniprogram.BaseEvent) {
      const openid = String(event.currentTarget.dataset.openid);
      const mark = event.currentTarget.dataset.mark as AttendanceMark;
      const row = this.data.sheet.find((signup) => signup.openid === openid);
      if (!row || this.data.busy || !row.allowed.includes(mark)) return;
      if (mark === 'no_show' && !(await confirm('标记未到', `确认${row.volunteerName}没有来参加？标记后不记录服务时长。`, '标记未到'))) return;
      if (mark === 'check_out' && !(await confirm('代签退', `为${row.volunteerName}签退，按签到时间到现在记录服务时长。`, '确认签退'))) return;
      this.setData({ busy: `${openid}:${mark}` });
      const reply = await call('activity.mark', { activityId: this.data.activityId, openid, mark }, { loading: '正在提交' });
      this.setData({ busy: '' });
      if (reply.ok) {
        const hours = reply.data.record?.hours;
        wx.showToast({ title: hours === undefined ? MARK_DONE[mark] : `${MARK_DONE[mark]}，记录 ${hours} 小时`, icon: 'none' });
      }
      // Either way the sheet is read again: someone may have checked in with the code meanwhile.
      await this.loadSheet();
    },
  },
});
