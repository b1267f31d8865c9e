/**
 * Volunteer activities: 活动报名 lists my community's activities (upcoming, or 往期活动), 我的活动
 * the ones I signed up for with where my place stands. A card opens the activity, where signing
 * up, withdrawing and checking in or out happen.
 */
import type { ActivityView } from '../../../core/contract';
import { call } from '../../services/api';
import { appendNextPage, listState, loadFirstPage } from '../../services/paging';
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
  data: {
    tab: 'signup' as Tab,
    when: 'upcoming' as When,
    ...listState<ActivityRow>(),
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
      if (!this.data.loading) void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void this.loadMore();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      const tab = event.currentTarget.dataset.tab as Tab;
      if (tab === this.data.tab) return;
      this.setData({ tab, items: [], nextCursor: null });
      void this.load();
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
    fetch(cursor?: string) {
      const page = cursor ? { cursor } : {};
      return this.data.tab === 'mine' ? call('activity.mine', page, { toast: false }) : call('activity.list', { when: this.data.when, ...page }, { toast: false });
    },
    load() {
      const key = this.listKey();
      return loadFirstPage<ActivityView, ActivityRow>(this, 'items', () => this.fetch(), toRow, () => key === this.listKey());
    },
    loadMore() {
      const key = this.listKey();
      return appendNextPage<ActivityView, ActivityRow>(this, 'items', (cursor) => this.fetch(cursor), toRow, () => key === this.listKey());
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/volunteer/activity/index?id=${encodeURIComponent(String(event.currentTarget.dataset.id))}` });
    },
  },
});
