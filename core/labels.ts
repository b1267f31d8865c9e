/**
 * The Chinese names of the codes the cloud reports (statuses, sources, kinds), and the phone number
 * pattern: one source for the cloud's messages and the mini-program's pages. Values only, no logic
 * and no imports but types: scripts/generate-shared.ts copies them into miniprogram/generated/
 * (WeChat compiles only miniprogram/), and tests/core/generated.test.ts fails when that copy is stale.
 */
import type { ActivityPhase } from './contract';
import type {
  HouseholdFlag,
  HouseholdRelation,
  AffairCategory,
  AffairStatus,
  AffairUrgency,
  DepartmentKind,
  MediationTier,
  AwardNomination,
  CorrectableField,
  CorrectionStatus,
  NominationStatus,
  OrderStatus,
  PatrolKind,
  PointsSource,
  RedemptionStatus,
  RuleChangeStatus,
  ServiceRecord,
  SignupStatus,
  StockMoveKind,
  StockSource,
  VisitWay,
  VolunteerStatus,
} from './model';

export const ORDER_STATUS_TEXT: Readonly<Record<OrderStatus, string>> = {
  pending_review: '待审核',
  pending: '待派单',
  assigned: '已派单',
  accepted: '已接单',
  in_service: '服务中',
  completed: '待评分',
  closed: '已办结',
  cancelled: '已取消',
  // Refused at the community's review, before any service: "未通过" alone would not say of what.
  rejected: '未通过审核',
};

/** Where an affair (问题) stands: 网格发现 → 社区吹哨 → 部门报到 → 办结. */
export const AFFAIR_STATUS_TEXT: Readonly<Record<AffairStatus, string>> = {
  reported: '待处理',
  handling: '社区办理中',
  whistled: '已吹哨待报到',
  accepted: '部门办理中',
  returned: '部门已退回',
  resolved: '待确认',
  reopened: '重新办理',
  closed: '已办结',
};

/** Who someone is to a household's head, and the care flags staff may record (the model's unions, in form order). */
export const HOUSEHOLD_RELATIONS = ['户主', '配偶', '子女', '父母', '祖孙', '兄弟姐妹', '租户', '其他'] as const satisfies readonly HouseholdRelation[];
export const VISIT_WAYS = ['上门', '电话', '微信'] as const satisfies readonly VisitWay[];
export const HOUSEHOLD_FLAGS = ['独居老人', '空巢老人', '残疾', '低保', '特困', '重病', '留守儿童', '优抚对象'] as const satisfies readonly HouseholdFlag[];

/** A dispute's (矛盾纠纷) level of mediation. */
export const TIER_TEXT: Readonly<Record<MediationTier, string>> = { grid: '网格调解', community: '社区调解', street: '街道/区调解' };

/** Which affair categories and urgencies a page offers (the contract's enums, in this order). */
export const AFFAIR_CATEGORIES = ['安全隐患', '环境卫生', '设施损坏', '矛盾纠纷', '违章搭建', '其他'] as const satisfies readonly AffairCategory[];
export const AFFAIR_URGENCIES = ['一般', '紧急'] as const satisfies readonly AffairUrgency[];

/** The kinds of departments and units a community whistles to (吹哨), in the order forms offer them. */
export const DEPARTMENT_KINDS = ['物业', '城管', '派出所', '供水', '供电', '燃气', '街道办', '司法所', '驻区单位', '其他'] as const satisfies readonly DepartmentKind[];

/** A volunteer's place in an activity. */
export const SIGNUP_STATUS_TEXT: Readonly<Record<SignupStatus, string>> = {
  enrolled: '已报名',
  waitlisted: '候补中',
  withdrawn: '已取消报名',
  checked_in: '已签到',
  attended: '已完成',
  no_show: '未到场',
};

/** Where an activity stands, from its times. */
export const ACTIVITY_PHASE_TEXT: Readonly<Record<ActivityPhase, string>> = {
  cancelled: '已取消',
  not_open: '未开始报名',
  open: '报名中',
  closed: '报名已截止',
  ongoing: '进行中',
  ended: '已结束',
};

/** What a reviewer decided: a volunteer application, a record correction, an award nomination. */
export const REVIEW_STATUS_TEXT: Readonly<Record<VolunteerStatus | CorrectionStatus | NominationStatus, string>> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
};

/** Where a rule change (积分规则调整) stands. `applied`: a setting that pays nothing, in force at once. */
export const RULE_CHANGE_STATUS_TEXT: Readonly<Record<RuleChangeStatus, string>> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
  superseded: '已被取代',
  applied: '已生效',
};

export const REDEMPTION_STATUS_TEXT: Readonly<Record<RedemptionStatus, string>> = {
  pending: '待领取',
  fulfilled: '已领取',
  cancelled: '已取消',
};

/** Where points came from or went, as the ledger shows it. */
export const POINTS_SOURCE_TEXT: Readonly<Record<PointsSource, string>> = {
  service: '志愿服务',
  activity: '志愿活动',
  good_deed: '好人好事',
  role_model: '先进典型',
  redeem: '兑换',
  redeem_refund: '兑换退回',
  forfeit: '注销清零',
};

/** How a goods item's stock changed, as its 库存流水 shows it. */
export const STOCK_MOVE_KIND_TEXT: Readonly<Record<StockMoveKind, string>> = {
  opening: '期初库存',
  stock_in: '入库',
  redeem: '兑换',
  refund: '取消兑换退回',
  write_off: '损耗',
};

export const STOCK_SOURCE_TEXT: Readonly<Record<StockSource, string>> = {
  purchase: '采购',
  donation: '捐赠',
};

export const AWARD_KIND_TEXT: Readonly<Record<AwardNomination['kind'], string>> = {
  good_deed: '好人好事',
  role_model: '先进典型',
};

/** Where a service record came from. */
export const RECORD_SOURCE_TEXT: Readonly<Record<ServiceRecord['source'], string>> = {
  order: '订单服务',
  activity: '志愿活动',
};

/** The record fields a correction may change, and the hours they convert to. */
export const RECORD_FIELD_TEXT: Readonly<Record<CorrectableField | 'hours', string>> = {
  minutes: '服务时长（分钟）',
  hours: '折算小时',
  date: '服务日期',
  place: '服务地点',
  content: '服务内容',
};

/** A mainland mobile number, and what to say when one is not. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
export const PHONE_MESSAGE = '请填写 11 位手机号码';

/** 巡查: walking the grid; 走访: visiting households (网格工作走访台账). */
export const PATROL_KIND_TEXT: Readonly<Record<PatrolKind, string>> = {
  patrol: '巡查',
  visit: '走访',
};
