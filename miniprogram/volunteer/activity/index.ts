/**
 * One activity, with the single thing I can do about it now: 报名 (or join the waiting list),
 * 取消报名 before the cut-off, 签到 and 签退 with the 6-digit code staff show on site (typed or
 * scanned). After 签退 it shows the recorded hours and the points earned.
 *
 * The cloud decides what I may do: the activity's `allowed` names it, as of the reply, with the
 * times check-in opens and check-out closes. The page only picks the button and the sentence that
 * explains where I stand; whatever the cloud still refuses (a skill I lack, a wrong code) is said
 * with its own message.
 */
import type { ActivityCommand, ActivityView, SignupView } from '../../../core/contract';
import { call } from '../../api/api';
import { askToSubscribe } from '../../api/subscribe';
import { refreshPage } from '../../behaviors/refresh';
import { confirm } from '../../utils/dialog';
import { formatTime, largeText } from '../../utils/format';
import { activityCard, PHASE_LABELS } from '../../utils/activities';
import { SIGNUP_STATUS_TAG, SIGNUP_STATUS_TEXT } from '../../utils/labels';

type Action = '' | 'signup' | 'withdraw' | 'check_in' | 'check_out';

const CODE = /^\d{6}$/;

/** What to offer, and the sentence that explains where I stand. */
function nextStep(activity: ActivityView): { action: Action; note: string } {
  const can = (command: ActivityCommand): boolean => activity.allowed.includes(command);
  if (activity.phase === 'cancelled') {
    return { action: '', note: `活动已取消${activity.cancelReason ? `：${activity.cancelReason}` : ''}` };
  }
  const signup = activity.mySignup;
  if (can('checkIn')) return { action: 'check_in', note: '请输入现场工作人员出示的 6 位签到码，或点“扫码”签到。' };
  if (can('checkOut')) return { action: 'check_out', note: `您已于 ${formatTime(signup?.checkInAt)} 签到。服务结束时，请输入工作人员出示的签到码签退。` };
  switch (signup?.status ?? 'withdrawn') {
    case 'withdrawn':
    case 'no_show':
      // Marked absent while sign-up is still open: signing up again takes back the place they hold.
      if (can('signUp') && signup?.status === 'no_show') return { action: 'signup', note: '负责人记录您未到场。如仍能参加，可以重新报名。' };
      if (can('signUp')) {
        const full = activity.enrolled >= activity.capacity;
        const again = signup ? '您已取消报名，如需参加可以重新报名。' : '';
        return { action: 'signup', note: full ? `${again}名额已满，现在报名将进入候补，有人取消时按顺序递补。` : again };
      }
      if (signup?.status === 'no_show') return { action: '', note: '负责人记录您未到场参加本次活动。如有疑问请联系活动负责人。' };
      if (activity.phase === 'not_open') return { action: '', note: `报名将于 ${formatTime(activity.signupOpensAt)} 开始，请到时再来。` };
      if (activity.phase === 'open') return { action: '', note: '审核通过的志愿者可以报名参加。' };
      return { action: '', note: activity.phase === 'ended' ? '活动已结束。' : '报名已截止。' };
    case 'waitlisted':
      return {
        action: can('withdraw') ? 'withdraw' : '',
        note: `${signup?.waitPosition ? `您在候补第 ${signup.waitPosition} 位` : '您在候补名单中'}，有人取消报名时将按顺序递补，递补成功后在“我的活动”里显示为已报名。`,
      };
    case 'enrolled':
      if (activity.phase === 'ended') return { action: '', note: '活动已结束，您没有签到。如实际参加了，请联系活动负责人补记。' };
      return { action: can('withdraw') ? 'withdraw' : '', note: `您已报名成功。请按时到场，${formatTime(activity.checkInOpensAt)} 起可以签到。` };
    case 'checked_in':
      return { action: '', note: `签退时间已过（${formatTime(activity.checkOutClosesAt)} 截止）。请联系活动负责人为您补签退，服务时长以负责人记录为准。` };
    case 'attended':
      return { action: '', note: '您已完成本次活动，感谢您的付出！' };
  }
}

Component({
  behaviors: [refreshPage],
  data: {
    activityId: '',
    loading: true,
    error: '',
    activity: null as ActivityView | null,
    largeText: false,
    timeText: '',
    signupWindowText: '',
    withdrawText: '',
    skillsText: '',
    action: '' as Action,
    note: '',
    /** After check-out: the hours recorded and the points they earned. */
    result: null as { hours: number; points: number } | null,
    code: '',
    codeError: '',
    busy: false,
    ...PHASE_LABELS,
    signupText: SIGNUP_STATUS_TEXT,
    signupTag: SIGNUP_STATUS_TAG,
  },
  methods: {
    onLoad(query?: { id?: string }) {
      const activityId = decodeURIComponent(query?.id ?? '');
      this.setData({ activityId, largeText: largeText() });
      if (!activityId) return this.setData({ loading: false, error: '没有找到这个活动，请返回重新选择' });
      void this.load();
    },
    async load() {
      if (!this.data.activityId) return;
      this.setData({ loading: true, error: '' });
      const reply = await call('activity.get', { activityId: this.data.activityId }, { toast: false });
      if (reply.ok) this.show(reply.data);
      else this.setData({ loading: false, error: reply.error.message });
    },
    show(activity: ActivityView) {
      const { action, note } = nextStep(activity);
      const signup: SignupView | undefined = activity.mySignup;
      this.setData({
        loading: false,
        activity,
        timeText: activityCard(activity).timeText,
        signupWindowText: `${formatTime(activity.signupOpensAt)} 至 ${formatTime(activity.signupClosesAt)}`,
        skillsText: activity.skills.length > 0 ? activity.skills.join('、') : '不限',
        withdrawText: `${formatTime(activity.withdrawClosesAt)} 前可以取消报名，之后如不能参加请联系活动负责人`,
        action,
        note,
        result: signup?.status === 'attended' && signup.hours !== undefined ? { hours: signup.hours, points: signup.points ?? 0 } : null,
        // A new step (check-in done, now check-out) starts with an empty code field.
        ...(action !== this.data.action ? { code: '', codeError: '' } : {}),
      });
    },
    async onSignUp() {
      if (this.data.busy) return;
      // Within the tap, before any await (WeChat's rule); not awaited, so 报名 goes ahead meanwhile.
      void askToSubscribe(['activity_promoted', 'activity_cancelled', 'activity_reminder']);
      this.setData({ busy: true });
      const reply = await call('activity.signUp', { activityId: this.data.activityId }, { loading: '正在报名' });
      this.setData({ busy: false });
      if (!reply.ok) return;
      this.show(reply.data);
      const { mySignup } = reply.data;
      const message =
        mySignup.status === 'waitlisted' ? `名额已满，您已进入候补第 ${mySignup.waitPosition ?? reply.data.waitlisted} 位` : '报名成功，请按时参加';
      wx.showToast({ title: message, icon: 'none', duration: 3000 });
    },
    async onWithdraw() {
      if (this.data.busy) return;
      const waiting = this.data.activity?.mySignup?.status === 'waitlisted';
      const content = waiting ? '确定不再候补这个活动吗？' : '确定取消报名吗？您的名额会让给候补的志愿者。';
      if (!(await confirm('取消报名', content, '确定取消')) || this.data.busy) return;
      this.setData({ busy: true });
      const reply = await call('activity.withdraw', { activityId: this.data.activityId }, { loading: '正在取消' });
      this.setData({ busy: false });
      if (!reply.ok) return;
      this.show(reply.data);
      wx.showToast({ title: '已取消报名', icon: 'none' });
    },
    onCode(event: Vant.FieldChange) {
      this.setData({ code: String(event.detail), codeError: '' });
    },
    onScan() {
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode', 'barCode'],
        success: (res) => {
          // Staff show the code as text; a QR code, when there is one, carries the same 6 digits.
          const code = String(res.result ?? '').trim();
          if (!CODE.test(code)) return this.setData({ codeError: '没有识别到 6 位签到码，请手动输入' });
          this.setData({ code, codeError: '' });
          void this.submitCode();
        },
        fail: (err) => {
          if (!/cancel/.test(err.errMsg)) this.setData({ codeError: '扫码失败，请手动输入签到码' });
        },
      });
    },
    onSubmitCode() {
      void this.submitCode();
    },
    async submitCode() {
      const code = this.data.code.trim();
      if (!CODE.test(code)) return this.setData({ codeError: '签到码是 6 位数字，请核对后重新输入' });
      if (this.data.busy) return;
      const action = this.data.action;
      if (action !== 'check_in' && action !== 'check_out') return;
      this.setData({ busy: true, codeError: '' });
      const input = { activityId: this.data.activityId, code };
      // Refusals (wrong code, too many tries, outside the time) stay on screen under the field.
      if (action === 'check_in') {
        const reply = await call('activity.checkIn', input, { loading: '正在签到', toast: false });
        this.setData({ busy: false });
        if (!reply.ok) return this.setData({ codeError: reply.error.message });
        this.show(reply.data);
        wx.showToast({ title: '签到成功', icon: 'success' });
        return;
      }
      const reply = await call('activity.checkOut', input, { loading: '正在签退', toast: false });
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ codeError: reply.error.message });
      this.show(reply.data);
      this.setData({ result: { hours: reply.data.record.hours, points: reply.data.mySignup.points ?? 0 } });
      wx.showToast({ title: '签退成功', icon: 'success' });
    },
    onRecords() {
      wx.navigateTo({ url: '/volunteer/record/index' });
    },
  },
});
