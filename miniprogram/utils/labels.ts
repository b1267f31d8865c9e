/** Chinese names of what the cloud reports in codes. */
import type { ActivityPhase } from '../../core/contract';
import type { CorrectionStatus, NominationStatus, OrderStatus, PointsSource, RedemptionStatus, RuleChangeStatus, ServiceRecord, SignupStatus } from '../../core/model';

export const ORDER_STATUS_TEXT: Record<OrderStatus, string> = {
  pending_review: '待审核',
  pending: '待派单',
  assigned: '已派单',
  accepted: '已接单',
  in_service: '服务中',
  completed: '待评分',
  closed: '已办结',
  cancelled: '已取消',
  rejected: '未通过',
};

/** vant tag types for a status: open work stands out, finished work is quiet. */
export const ORDER_STATUS_TAG: Record<OrderStatus, 'primary' | 'success' | 'warning' | 'danger' | 'default'> = {
  pending_review: 'warning',
  pending: 'warning',
  assigned: 'primary',
  accepted: 'primary',
  in_service: 'primary',
  completed: 'success',
  closed: 'default',
  cancelled: 'default',
  rejected: 'danger',
};


/** Where points came from or went, as the ledger shows it. */
export const POINTS_SOURCE_TEXT: Record<PointsSource, string> = {
  service: '志愿服务',
  activity: '志愿活动',
  good_deed: '好人好事',
  role_model: '先进典型',
  redeem: '兑换',
  redeem_refund: '兑换退回',
};

export const REDEMPTION_STATUS_TEXT: Record<RedemptionStatus, string> = {
  pending: '待领取',
  fulfilled: '已领取',
  cancelled: '已取消',
};

export const REDEMPTION_STATUS_TAG: Record<RedemptionStatus, 'primary' | 'success' | 'default'> = {
  pending: 'primary',
  fulfilled: 'success',
  cancelled: 'default',
};

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'default';

export const ACTIVITY_PHASE_TEXT: Record<ActivityPhase, string> = {
  cancelled: '已取消',
  not_open: '未开始报名',
  open: '报名中',
  closed: '报名已截止',
  ongoing: '进行中',
  ended: '已结束',
};

export const ACTIVITY_PHASE_TAG: Record<ActivityPhase, TagType> = {
  cancelled: 'default',
  not_open: 'default',
  open: 'primary',
  closed: 'warning',
  ongoing: 'success',
  ended: 'default',
};

export const SIGNUP_STATUS_TEXT: Record<SignupStatus, string> = {
  enrolled: '已报名',
  waitlisted: '候补中',
  withdrawn: '已取消报名',
  checked_in: '已签到',
  attended: '已完成',
  no_show: '未到场',
};

export const SIGNUP_STATUS_TAG: Record<SignupStatus, TagType> = {
  enrolled: 'primary',
  waitlisted: 'warning',
  withdrawn: 'default',
  checked_in: 'success',
  attended: 'success',
  no_show: 'danger',
};

/** Review states of a record correction or an award nomination. */
export const REVIEW_STATUS_TEXT: Record<CorrectionStatus | NominationStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
};

export const REVIEW_STATUS_TAG: Record<CorrectionStatus | NominationStatus, TagType> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
};

export const AWARD_KIND_TEXT: Record<'good_deed' | 'role_model', string> = {
  good_deed: '好人好事',
  role_model: '先进典型',
};

/** Names of the record fields a correction may change. */
export const RECORD_FIELD_TEXT: Record<'minutes' | 'hours' | 'date' | 'place' | 'content', string> = {
  minutes: '服务时长（分钟）',
  hours: '折算小时',
  date: '服务日期',
  place: '服务地点',
  content: '服务内容',
};

/** Where a service record came from. */
export const RECORD_SOURCE_TEXT: Record<ServiceRecord['source'], string> = {
  order: '订单服务',
  activity: '志愿活动',
};

/** Where a rule change (积分规则调整) stands. `applied`: a setting that pays nothing, applied at once. */
export const RULE_CHANGE_STATUS_TEXT: Record<RuleChangeStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
  superseded: '已被取代',
  applied: '直接生效',
};

export const RULE_CHANGE_STATUS_TAG: Record<RuleChangeStatus, TagType> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
  superseded: 'default',
  applied: 'primary',
};

/** Said after a save that proposed new points (catalogue, activities): they wait for a second staff member. */
export const POINTS_PROPOSED_TEXT = '积分调整已提交，需另一名工作人员在“积分规则审核”中通过后生效';
