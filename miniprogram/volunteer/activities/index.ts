/**
 * Volunteer activities: 活动报名 lists my community's activities (upcoming, or 往期活动), 我的活动
 * the ones I signed up for with where my place stands. A card opens the activity, where signing
 * up, withdrawing and checking in or out happen.
 */
import type { ActivityView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { type ActivityCard, activityCard, PHASE_LABELS } from '../../utils/activities';
import { largeText } from '../../utils/format';
import { SIGNUP_STATUS_TAG, SIGNUP_STATUS_TEXT } from '../../utils/labels';

type Tab = 'signup' | 'mine';
type When = 'upcoming' | 'past';

interface ActivityRow extends ActivityView, ActivityCard {
  /** Hours recorded for my attendance, '' until there is a record. */
  hoursText: string;
}

const toRow = (activity: ActivityView): ActivityRow => ({
  ...activity,
  ...activityCard(activity),
  hoursText: activity.mySignup?.hours === undefined ? '' : String(activity.mySignup.hours),
});

Component({
  behaviors: [listPage<ActivityRow>()],
  data: {
    tab: 'signup' as Tab,
    when: 'upcoming' as When,
    largeText: false,
    ...PHASE_LABELS,
    signupText: SIGNUP_STATUS_TEXT,
    signupTag: SIGNUP_STATUS_TAG,
  },
  methods: {
    onLoad(query?: { tab?: string }) {
      this.setData({ largeText: largeText(), ...(query?.tab === 'mine' ? { tab: 'mine' as Tab } : {}) });
      void this.load();
    },
    onShow() {
      // Coming back from an activity after signing up or checking in: show where my place stands now.
      void this.refresh();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: event.currentTarget.dataset.tab as Tab }, { nextCursor: null });
    },
    onWhen(event: WechatMiniprogram.BaseEvent) {
      const when = event.currentTarget.dataset.when as When;
      if (when === this.data.when) return;
      this.setData({ when, items: [], nextCursor: null });
      void this.load();
    },
    /** Which list is showing: a reply for another one (the person switched meanwhile) is dropped. */
    listKey(): string {
      return this.data.tab === 'mine' ? 'mine' : this.data.when;
    },
    async fetchList(cursor?: string) {
      const reply = this.data.tab === 'mine' ? await call('activity.mine', { cursor }, { toast: false }) : await call('activity.list', { when: this.data.when, cursor }, { toast: false });
      return rows<ActivityView, ActivityRow>(reply, toRow);
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/volunteer/activity/index?id=${encodeURIComponent(String(event.currentTarget.dataset.id))}` });
    },
  },
});
