/**
 * Chinese names of what the cloud reports in codes, and how a page colours them. The names come
 * from core (generated/shared.ts, copied from core/labels.ts), so a page and the cloud's messages
 * say the same; the tag colours are the pages' own.
 */
import type { ActivityPhase } from '../../core/contract';
import type { AffairStatus, CorrectionStatus, NominationStatus, OrderStatus, RedemptionStatus, RuleChangeStatus, SignupStatus } from '../../core/model';

export {
  ACTIVITY_PHASE_TEXT,
  AFFAIR_CATEGORIES,
  AFFAIR_STATUS_TEXT,
  AFFAIR_URGENCIES,
  HOUSEHOLD_FLAGS,
  HOUSEHOLD_RELATIONS,
  AWARD_KIND_TEXT,
  DEPARTMENT_KINDS,
  ORDER_STATUS_TEXT,
  PATROL_KIND_TEXT,
  POINTS_SOURCE_TEXT,
  RECORD_FIELD_TEXT,
  RECORD_SOURCE_TEXT,
  REDEMPTION_STATUS_TEXT,
  REVIEW_STATUS_TEXT,
  RULE_CHANGE_STATUS_TEXT,
  SIGNUP_STATUS_TEXT,
  STOCK_MOVE_KIND_TEXT,
  STOCK_SOURCE_TEXT,
  TIER_TEXT,
  VISIT_WAYS,
} from '../generated/shared';

/** vant tag types: open work stands out, finished work is quiet. */
type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'default';

export const ORDER_STATUS_TAG: Record<OrderStatus, TagType> = {
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

/** An affair waiting at the desk or for its reporter stands out; one being worked on is blue. */
export const AFFAIR_STATUS_TAG: Record<AffairStatus, TagType> = {
  reported: 'warning',
  handling: 'primary',
  whistled: 'primary',
  accepted: 'primary',
  returned: 'danger',
  resolved: 'warning',
  reopened: 'danger',
  closed: 'success',
};

export const REDEMPTION_STATUS_TAG: Record<RedemptionStatus, TagType> = {
  pending: 'primary',
  fulfilled: 'success',
  cancelled: 'default',
};

export const ACTIVITY_PHASE_TAG: Record<ActivityPhase, TagType> = {
  cancelled: 'default',
  not_open: 'default',
  open: 'primary',
  closed: 'warning',
  ongoing: 'success',
  ended: 'default',
};

export const SIGNUP_STATUS_TAG: Record<SignupStatus, TagType> = {
  enrolled: 'primary',
  waitlisted: 'warning',
  withdrawn: 'default',
  checked_in: 'success',
  attended: 'success',
  no_show: 'danger',
};

export const REVIEW_STATUS_TAG: Record<CorrectionStatus | NominationStatus, TagType> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
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
