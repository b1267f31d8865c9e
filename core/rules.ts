/**
 * Which rule changes pay points (and so wait for a second staff member), and how a change reads in
 * Chinese on the review page and in the audit log. Pure.
 */
import type { HourRounding } from './volunteer-hours';
import type { AffairRules, DailyLimits, OrderLimits, PointsCaps, RuleChange, ScoreMultipliers, SettingField } from './model';

interface FieldRule {
  label: string;
  /** Changes what is paid (points, or the hours records count): a second staff member approves it. */
  needsApproval: boolean;
  format(value: unknown): string;
}

const yesNo = (value: unknown) => (value ? '是' : '否');
const multipliers = (value: unknown) =>
  Object.entries((value ?? {}) as ScoreMultipliers)
    .map(([score, multiplier]) => `${score}分×${multiplier}`)
    .join('，');
const caps = (value: unknown) => {
  const c = (value ?? {}) as Partial<PointsCaps>;
  return `服务基础积分≤${c.servicePoints ?? '—'}，评分倍数≤${c.scoreMultiplier ?? '—'}，活动每小时≤${c.activityPointsPerHour ?? '—'}，推荐奖励≤${c.awardPoints ?? '—'}`;
};
const rounding = (value: unknown) =>
  ((value as HourRounding | undefined)?.steps ?? []).map((step) => `≤${step.upToMinutes}分钟计${step.hours}小时`).join('，') || '默认';
const limits = (value: unknown) => {
  const l = (value ?? {}) as Partial<OrderLimits>;
  return `居民未完成≤${l.openPerResident ?? '—'}单、每天≤${l.perResidentPerDay ?? '—'}单；代下单未完成≤${l.openOnBehalf ?? '—'}单、每天≤${l.onBehalfPerDay ?? '—'}单`;
};

const daily = (value: unknown) => {
  const d = (value ?? {}) as Partial<DailyLimits>;
  return `每人每天兑换≤${d.redemptions ?? '—'}次、申请证明≤${d.certificates ?? '—'}次、推荐≤${d.nominations ?? '—'}次、申请更正≤${d.corrections ?? '—'}次、退单≤${d.handBacks ?? '—'}次`;
};

const affairRules = (value: unknown) => {
  const r = (value ?? {}) as Partial<AffairRules>;
  const categories = (r.categories ?? []).map((item) => `${item.name}${item.deadlineHours}小时`).join('、');
  return `受理类别：${categories || '—'}；超期${r.escalateAfterOverdues ?? '—'}次${r.streetDepartmentId ? '报街道督办' : '（未指定街道督办部门）'}`;
};

export const RULE_FIELDS: Record<SettingField, FieldRule> = {
  scoreMultipliers: { label: '评分积分倍数', needsApproval: true, format: multipliers },
  pointsCaps: { label: '积分上限', needsApproval: true, format: caps },
  hourRounding: { label: '服务时长折算规则', needsApproval: true, format: rounding },
  // Raising it lets more reported minutes into the statutory records unchecked.
  minutesCheckRatio: { label: '服务时长核实倍数', needsApproval: true, format: (value) => `超过预计用时 ${String(value)} 倍需核实` },
  requireOrderReview: { label: '新订单需要审核', needsApproval: false, format: yesNo },
  acceptTimeoutMinutes: { label: '接单时限', needsApproval: false, format: (value) => `${String(value)} 分钟` },
  orderLimits: { label: '下单上限', needsApproval: false, format: limits },
  dailyLimits: { label: '每日上限', needsApproval: false, format: daily },
  // The street office's supervision (督办) is what it sets: nobody switches it off alone.
  affairRules: { label: '事务办理规则', needsApproval: true, format: affairRules },
  // More households per linker: more people's care flags and phones in one person's hands.
  householdsPerLinker: { label: '每位联户长联系的户数', needsApproval: true, format: (value) => `最多 ${String(value)} 户` },
};

export const SETTING_FIELDS = Object.keys(RULE_FIELDS) as SettingField[];

/** What the change is about, e.g. 服务“助餐送餐”的基础积分. */
export function ruleSubject(change: Pick<RuleChange, 'kind' | 'field' | 'targetName'>): string {
  if (change.kind === 'service_points') return `服务“${change.targetName}”的基础积分`;
  if (change.kind === 'activity_points') return `活动“${change.targetName}”的每小时积分`;
  if (change.kind === 'goods_price') return `商品“${change.targetName}”的兑换积分`;
  return RULE_FIELDS[change.field ?? 'requireOrderReview'].label;
}

export function formatRuleValue(change: Pick<RuleChange, 'kind' | 'field'>, value: unknown): string {
  if (change.kind === 'goods_price' && value === 0) return '未定价';
  if (change.kind !== 'community_setting') return `${String(value)} 分`;
  return RULE_FIELDS[change.field ?? 'requireOrderReview'].format(value);
}

/** The change in one line: 服务“助餐送餐”的基础积分：10 分 → 20 分. */
export function describeRuleChange(change: Pick<RuleChange, 'kind' | 'field' | 'targetName' | 'before' | 'after'>): string {
  return `${ruleSubject(change)}：${formatRuleValue(change, change.before)} → ${formatRuleValue(change, change.after)}`;
}

/** A value written with its object keys in order, so equal settings compare equal however stored. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Equal as stored values (numbers, or plain settings objects). */
export const sameRuleValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
