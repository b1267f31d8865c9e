/** Chinese names of what the cloud reports in codes. */
import type { OrderStatus, PointsSource, RedemptionStatus } from '../../core/model';

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
