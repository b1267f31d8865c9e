/**
 * 积分规则: how love points are earned and spent in my community, in plain words for elderly
 * residents and for volunteers: what each service pays for each score, what an hour of an activity
 * pays and how minutes count, good deeds, and the 积分超市's limits. Only the rules in force
 * (points.rules); every number comes from the cloud, which computes it as scoring pays it.
 */
import type { PointsRulesView } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { formatTime, largeText } from '../../utils/format';

interface ServiceRow {
  id: string;
  name: string;
  /** 社区评 5 分：得 12 分, or 不计积分. */
  best: string;
  /** The other scores, in one line. */
  others: string;
}

interface ActivityRow {
  id: string;
  name: string;
  when: string;
  pays: string;
}

function serviceRow(service: PointsRulesView['orders']['services'][number]): ServiceRow {
  const [best, ...rest] = service.byScore;
  if (!best || service.byScore.every((row) => row.points === 0)) return { id: service.id, name: service.name, best: '不计积分', others: '' };
  return {
    id: service.id,
    name: service.name,
    best: `社区评 ${best.score} 分：得 ${best.points} 分`,
    others: rest.map((row) => `评 ${row.score} 分得 ${row.points} 分`).join('，'),
  };
}

function activityRow(activity: PointsRulesView['activities']['upcoming'][number]): ActivityRow {
  return {
    id: activity.id,
    name: activity.name,
    when: formatTime(activity.startAt),
    pays: activity.pointsPerHour > 0 ? `每小时 ${activity.pointsPerHour} 分，全程参加（${activity.hours} 小时）得 ${activity.points} 分` : '本活动不计积分',
  };
}

/** 1–15 分钟不计，16–45 分钟算 0.5 小时 … */
const roundingText = (steps: PointsRulesView['activities']['rounding']): string =>
  steps.map((step) => `${step.fromMinutes}–${step.upToMinutes} 分钟${step.hours === 0 ? '不计' : `算 ${step.hours} 小时`}`).join('，');

Component({
  behaviors: [refreshPage],
  data: {
    largeText: false,
    loading: true,
    error: '',
    communityName: '',
    services: [] as ServiceRow[],
    multipliers: '',
    maxOrderPoints: 0,
    maxPointsPerHour: 0,
    rounding: '',
    activities: [] as ActivityRow[],
    maxAwardPoints: 0,
    redemptionsPerDay: 0,
    lastChange: '',
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    async load() {
      if (!this.data.communityName) this.setData({ loading: true, error: '' });
      const reply = await call('points.rules', {}, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      const rules = reply.data;
      this.setData({
        loading: false,
        error: '',
        communityName: rules.communityName,
        services: rules.orders.services.map(serviceRow),
        multipliers: rules.orders.multipliers.map((row) => `${row.score} 分×${row.multiplier}`).join('，'),
        maxOrderPoints: rules.orders.maxPoints,
        maxPointsPerHour: rules.activities.maxPointsPerHour,
        rounding: roundingText(rules.activities.rounding),
        activities: rules.activities.upcoming.map(activityRow),
        maxAwardPoints: rules.awards.maxPoints,
        redemptionsPerDay: rules.spending.redemptionsPerDay,
        lastChange: rules.lastChange ? `${formatTime(rules.lastChange.at).slice(0, 10)}：${rules.lastChange.summary}` : '',
      });
    },
    onMall() {
      wx.switchTab({ url: '/pages/mall/index' });
    },
  },
});
