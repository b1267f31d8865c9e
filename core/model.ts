import type { HourRounding } from './volunteer-hours';

/**
 * The documents linli keeps, as stored in the cloud database (collection names in COLLECTIONS).
 * Dates are Date objects in storage; replies to the mini-program carry them as ISO strings.
 */

export const COLLECTIONS = {
  users: 'users',
  communities: 'communities',
  invitations: 'invitations',
  services: 'services',
  volunteers: 'volunteers',
  orders: 'orders',
  pointsAccounts: 'points_accounts',
  pointsLedger: 'points_ledger',
  goods: 'goods',
  redemptions: 'redemptions',
  /** The stock ledger: every change of a goods item's stock, append-only (Σ delta = stock). */
  stockMoves: 'stock_moves',
  /** Write-offs (损耗) of goods: proposed by one staff member, decided by another. */
  writeOffs: 'write_offs',
  serviceRecords: 'service_records',
  recordChanges: 'record_changes',
  recordCorrections: 'record_corrections',
  certificates: 'certificates',
  activities: 'activities',
  activitySignups: 'activity_signups',
  awardNominations: 'award_nominations',
  /** Daily counters per person and kind (orders, redemptions, certificates): see core/usecases/shared/quota.ts. */
  quotas: 'quotas',
  /** Changes to how points are paid, waiting for or decided by a second staff member; and the settings log. */
  ruleChanges: 'rule_changes',
  /** What the daily reconciliation found (Σ ledger = balance, stock, volunteer counters). */
  reconciliations: 'reconciliations',
  /** Administrators appointed in the app (the first by the setup code), by openid; removed ones stay, marked. */
  admins: 'admins',
  /** The setup code of the first administrator and the count of administrators (one document, ADMIN_REGISTRY_ID). */
  adminRegistry: 'admin_registry',
  /** The State Council's holiday arrangement (放假调休) of a year as an administrator entered it; _id is the year. */
  holidayCalendars: 'holiday_calendars',
  /** Every change of a year's arrangement: who, when, before and after (append-only). */
  holidayCalendarChanges: 'holiday_calendar_changes',
  /** Every Excel ledger staff exported (report.export): who, what, which period, how many rows (append-only). */
  reportExports: 'report_exports',
  /** The departments and units a community whistles to (物业, 城管, 派出所 …): see core/usecases/department.ts. */
  departments: 'departments',
  /** Problems the grid finds and residents report (网格发现 → 社区吹哨 → 部门报到): see core/affair-machine.ts. */
  affairs: 'affairs',
  /** 巡查走访台账: one document per grid worker, grid, Beijing day and kind (patrol.log writes it again the same day). */
  patrolLogs: 'patrol_logs',
  /** Roles taken from people (off-boarding: community.removeRole): who, which role, by whom, why (append-only). */
  roleRemovals: 'role_removals',
  /** The household register (户): one document per home, with its members, flags and linker (十联户). */
  households: 'households',
  /** 居民议事: one document per matter (民事民提 → 民议 → 民评 → 公开); see core/usecases/council.ts. */
  councilMatters: 'council_matters',
  /** A matter's comments (民议), one document each; hidden ones stay, marked. */
  councilComments: 'council_comments',
  /** A matter's votes (民评): one document per voter key (`councilVoteIdOf`), so a voter never counts twice. */
  councilVotes: 'council_votes',
  /** A resident's request to be linked to the household of their home (one per person, _id = openid), for staff to confirm. */
  householdClaims: 'household_claims',
  /** 走访: a linker's visits to their households, append-only, one per household and linker a day. */
  householdVisits: 'household_visits',
} as const;
export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** A sign-up's _id: one per volunteer and activity, so a second sign-up finds the first. */
export const signupIdOf = (activityId: string, openid: string): string => `${activityId}:${openid}`;

/**
 * Roles a caller can hold. `resident`, `staff`, `grid_worker` and `department` are stored; the others
 * are derived. `department`: someone of a department or unit the community whistles to (物业, 城管 …),
 * named by `User.departmentId`; they see and answer only what is sent to their department.
 */
export type Role = 'resident' | 'volunteer' | 'staff' | 'grid_worker' | 'department' | 'admin';

/** The roles stored on a user (the others are derived from other documents). */
export type StoredRole = 'resident' | 'staff' | 'grid_worker' | 'department';

/** Where someone lives: grid → building → unit → room. */
export interface Address {
  gridId: string;
  building: string;
  unit?: string;
  room?: string;
}

export interface User {
  _id: string; // openid
  communityId: string;
  name: string;
  phone: string;
  /**
   * When WeChat's phone-number button vouched for `phone` (手机号快速验证, user.bindPhone); absent
   * for a phone someone typed (staff joining by invitation, records from before verification).
   */
  phoneVerifiedAt?: Date;
  address: Address;
  roles: StoredRole[];
  /** For a grid worker: the grids they look after. */
  gridIds?: string[];
  /** For department staff (role `department`): the one department they answer for. */
  departmentId?: string;
  /** Everyone who invited them as staff or grid worker (none of them reviews what this person nominates). */
  invitedBy?: string[];
  /** When they agreed to the privacy policy at registration (absent: staff joining by invitation, older records). */
  consentAt?: Date;
  /**
   * Set when 注销 begins (user.deleteAccount): the random id that replaces their openid in what is
   * kept. A deletion cut short is finished by asking again, with the same id; the document goes last.
   */
  deletion?: { pseudonym: string; startedAt: Date };
  /** Their data export in cloud storage (user.exportMine writes one file per person, 注销 deletes it). */
  exportFileID?: string;
  /**
   * The household (户) they belong to, once staff confirmed it (household.confirmMember); the 议事
   * rule "one vote per household" counts by it.
   */
  householdId?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface Grid {
  id: string;
  name: string;
  /** The buildings offered in address pickers. */
  buildings: string[];
  /** Buildings no longer offered; old addresses and records still name them. */
  retiredBuildings?: string[];
  /** A grid no longer offered (it had nobody left); old addresses and records still name it. */
  retired?: boolean;
}

/** Points per score 1–5 as a multiplier of the service's base points. */
export type ScoreMultipliers = Record<'1' | '2' | '3' | '4' | '5', number>;

export interface CommunitySettings {
  /** New orders wait for staff review (pending_review) before dispatch. */
  requireOrderReview: boolean;
  scoreMultipliers: ScoreMultipliers;
  /** An assignment not accepted within this many minutes goes back to the queue. */
  acceptTimeoutMinutes: number;
  /** How minutes of service become recorded hours; absent on older documents (then the default). */
  hourRounding?: HourRounding;
  /** How many orders one person may have open and place a day (absent: the defaults of core/settings.ts). */
  orderLimits?: OrderLimits;
  /** The most any rule may pay (absent: the defaults). */
  pointsCaps?: PointsCaps;
  /** Minutes reported above this multiple of a service's expected time wait for the scorer to confirm them. */
  minutesCheckRatio?: number;
  /** What one person may do a day besides ordering (absent: the defaults). */
  dailyLimits?: DailyLimits;
  /** Which affair categories the community takes, their deadlines, and when the street office is told (absent: the defaults). */
  affairRules?: AffairRules;
  /** How many households one linker may look after (10 for 十联户, up to 50 for 社区管家; absent: 10). */
  householdsPerLinker?: number;
}

/**
 * How a community handles affairs (网格发现 → 社区吹哨): the categories its forms offer, each with the
 * default deadline in hours (紧急 ones get half, at most 24), and the street office level: after
 * this many missed deadlines an affair is flagged to that department (督办), whose people then see it.
 */
export interface AffairRules {
  categories: Array<{ name: AffairCategory; deadlineHours: number }>;
  escalateAfterOverdues: number;
  /** A department of the community (usually the 街道办's); absent: no street-level escalation. */
  streetDepartmentId?: string;
}

/** Daily limits per person, so no one account can flood a list or use up a community's codes. */
export interface DailyLimits {
  /** Redemptions at the 积分超市 (each takes one of the community's 6-digit codes for good). */
  redemptions: number;
  /** Certificates asked for. */
  certificates: number;
  /** Good-deed and role-model nominations made (staff review them one by one). */
  nominations: number;
  /** Correction requests for one's service records (staff review them one by one). */
  corrections: number;
  /** Accepted orders a volunteer hands back (退单): each accept shows a resident's phone and room. */
  handBacks: number;
}

/** Limits on ordering, so one account cannot flood the hall or the dispatch queue. */
export interface OrderLimits {
  /** A resident's open orders (their own and those placed for them). */
  openPerResident: number;
  /** Orders a resident places in a day (Beijing time). */
  perResidentPerDay: number;
  /** Open orders one staff member or grid worker placed for others (代点单). */
  openOnBehalf: number;
  /** Orders one staff member or grid worker places for others in a day. */
  onBehalfPerDay: number;
}

/** The most a rule may pay; raising a cap is itself a change that needs a second staff member. */
export interface PointsCaps {
  /** A catalogue item's base points. */
  servicePoints: number;
  /** Each score multiplier. */
  scoreMultiplier: number;
  /** An activity's points per hour. */
  activityPointsPerHour: number;
  /** One good-deed or role-model nomination. */
  awardPoints: number;
}

export interface Community {
  _id: string;
  name: string;
  district?: string;
  grids: Grid[];
  settings: CommunitySettings;
  /** Setting changes waiting for a second staff member, by setting. */
  pendingRuleChanges?: Partial<Record<SettingField, PendingRuleChange>>;
  /** 社区居委会 office: where it is and its phone. */
  address?: string;
  contact?: string;
  /**
   * Counts the edits of the community's profile and grids (community-setup.ts): each edit is written
   * only if the version is still the one it read, so two staff editing at once never undo each other.
   */
  version?: number;
  /** Who changed the profile or the grids, newest last (a short log). */
  edits?: CommunityEdit[];
  createdAt: Date;
  updatedAt?: Date;
}

/** One edit of a community's profile or grids, as the log keeps it. */
export interface CommunityEdit {
  by: string;
  at: Date;
  /** What changed, in Chinese (e.g. 新增网格“第三网格”). */
  summary: string;
}

/** An invitation code: for staff or a grid worker of one community, or for an administrator. */
export type Invitation = StaffInvitation | AdminInvitation;

interface InvitationBase {
  _id: string; // the code
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedBy?: string;
  usedAt?: Date;
  /** Revoked before use (community.revokeInvitation): it no longer works. */
  revokedAt?: Date;
  revokedBy?: string;
}

export interface StaffInvitation extends InvitationBase {
  communityId: string;
  role: 'staff' | 'grid_worker' | 'department';
  gridIds?: string[];
  /** For role `department`: the department the invited person will answer for. */
  departmentId?: string;
}

/** An administrator serves every community: their invitation names none. */
export interface AdminInvitation extends InvitationBase {
  role: 'admin';
  /** Who the inviting administrator meant it for. */
  forName: string;
}

/** One change of who administers linli, kept on the administrator's document (a short history). */
export interface AdminEvent {
  kind: 'appointed' | 'removed';
  /** Who did it: an administrator's openid, or `setup-code` for the first administrator. */
  by: string;
  at: Date;
}

/**
 * An administrator appointed in the app: the first by the setup code, the others by an
 * administrator. Removing one marks the document (`active: false`); nothing is deleted.
 */
export interface AdminGrant {
  _id: string; // the administrator's openid
  /** How colleagues know them (their registered name, or the name they gave with the setup code). */
  name: string;
  active: boolean;
  events: AdminEvent[];
  updatedAt: Date;
}

/** The registry's only document. */
export const ADMIN_REGISTRY_ID = 'registry';

/**
 * Who may still become the first administrator, and how many administrators the app has appointed.
 * Every change of administrators writes this one document in its transaction, so two at once
 * conflict and one runs again: the count is exact and the last administrator cannot be removed by
 * two colleagues removing each other at the same moment.
 *
 * The setup code is issued by the deployer through WeChat's server API (never through the app),
 * stored as its SHA-256 only, used once, valid for SETUP_CODE_DAYS and locked after
 * SETUP_CODE_MAX_FAILURES wrong tries (the deployer issues a new one).
 */
export interface AdminRegistry {
  _id: typeof ADMIN_REGISTRY_ID;
  /** Administrators appointed in the app and not removed. */
  activeAdmins: number;
  setupCode?: { hash: string; issuedAt: Date; expiresAt: Date; failures: number; usedBy?: string; usedAt?: Date };
  updatedAt: Date;
}

/** An item of the community's service catalogue (社区供单). */
export interface ServiceItem {
  _id: string;
  communityId: string;
  name: string;
  category: string;
  skills: string[];
  expectedMinutes: number;
  basePoints: number;
  slaHours: number;
  description?: string;
  archived: boolean;
  /** A change of basePoints waiting for a second staff member. */
  pendingRuleChange?: PendingRuleChange;
  updatedAt: Date;
}

export type VolunteerStatus = 'pending' | 'approved' | 'rejected';

export interface Volunteer {
  _id: string; // openid
  communityId: string;
  realName: string;
  /** The applicant's verified phone, copied from their profile (and kept in step by user.bindPhone). */
  phone: string;
  phoneVerifiedAt?: Date;
  birthDate: string; // YYYY-MM-DD
  /** Optional personal fields of 办法 Art. 5, kept only when the volunteer gives them. */
  gender?: '男' | '女';
  idNumber?: string;
  guardianConsent: boolean;
  skills: string[];
  availability: string;
  available: boolean;
  partyMember: boolean;
  partyOrganisation?: string;
  gridId: string;
  building?: string;
  consentAt: Date;
  status: VolunteerStatus;
  reviewNote?: string;
  reviewedBy?: string;
  reviewedAt?: Date;
  appliedAt: Date;
  /**
   * Counters kept with every transition, for ranking without scanning orders. (Recorded hours are
   * summed from the service records where shown; older documents may still carry a
   * `recordedCentiHours` counter, which nothing reads.)
   */
  stats: {
    activeOrders: number;
    completedOrders: number;
    ratingSum: number;
    ratingCount: number;
  };
}

export type OrderStatus =
  | 'pending_review'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'in_service'
  | 'completed'
  | 'closed'
  | 'cancelled'
  | 'rejected';

export interface OrderEvent {
  at: Date;
  by: string;
  from: OrderStatus | null;
  to: OrderStatus;
  note?: string;
}

export interface Order {
  _id: string;
  communityId: string;
  residentOpenid: string;
  /** Staff who ordered on the resident's behalf (代点单), if any. */
  createdBy: string;
  /**
   * The household it serves, where the order is at its door: its members' own orders and those
   * placed for it (代点单). Its linker follows the open ones (household.get).
   */
  householdId?: string;
  clientRequestId: string;
  serviceId: string;
  serviceName: string;
  /** The catalogue's category when ordered (its service record carries it); absent on older orders. */
  serviceCategory?: string;
  skills: string[];
  basePoints: number;
  expectedMinutes: number;
  description: string;
  address: Address;
  contactName: string;
  contactPhone: string;
  /**
   * The phone was typed (代点单 for someone without WeChat, or a number other than the resident's
   * verified one), not verified by WeChat: volunteers and staff see 未验证 beside it.
   */
  contactPhoneUnverified?: true;
  preferredTime?: string;
  /** Photos of the need (cloud fileIDs), uploaded by whoever ordered, under orders/<their openid>/. */
  photos?: string[];
  status: OrderStatus;
  assignee?: string;
  assigneeName?: string;
  /**
   * Who approved the assignee as a volunteer (never changes once approved), copied at assignment
   * so the scorer's four-eyes check needs no read; absent on older orders.
   */
  assigneeApprovedBy?: string;
  events: OrderEvent[];
  declines: Array<{ by: string; reason: string; at: Date }>;
  createdAt: Date;
  dueAt: Date; // createdAt + SLA
  overdue: boolean;
  assignedAt?: Date;
  acceptedAt?: Date;
  startedAt?: Date;
  completedAt?: Date;
  closedAt?: Date;
  cancelledAt?: Date;
  /**
   * What the volunteer reported. `unconfirmed`: the minutes are far above the service's expected
   * time (the community's minutesCheckRatio), so they count only once the scorer confirms them.
   */
  completion?: { summary: string; minutes: number; unconfirmed?: boolean };
  /**
   * The resident's rating; `onBehalf` when the one who placed the order for an elder without WeChat
   * recorded what the elder said (代评): who, and their name then.
   */
  rating?: { stars: number; comment?: string; at: Date; onBehalf?: { by: string; name: string } };
  /** `minutes`: what the scorer counted for the record (the reported minutes unless they changed them). */
  score?: { score: number; note?: string; by: string; at: Date; points: number; minutes?: number };
  reviewNote?: string;
  /** Set by the record timer when the order is completed but still has no service record. */
  recordAlert?: RecordAlert;
  /**
   * When the dispatch timer reminds the volunteer who accepted it (see core/reminders.ts); set on
   * acceptance, removed by the one run that sends the reminder (remindedAt) or by a hand-back.
   */
  remindAt?: Date;
  remindedAt?: Date;
  /** The affair it became (affair.fromOrder): nobody could serve it, so the community took it up. */
  affairId?: string;
}

/** A completed service still without a record, 8 working days on (the legal limit is 10). */
export interface RecordAlert {
  flaggedAt: Date;
  /** YYYY-MM-DD: the last working day the record is on time. */
  deadline: string;
}

/** One person's count of something per day, moved in the same transaction as what it counts. */
export interface Quota {
  _id: string; // `<kind>:<openid>`
  /** YYYY-MM-DD (Beijing) the count is for; a new day starts again from zero. */
  day: string;
  count: number;
  updatedAt: Date;
}

/**
 * What a rule change is about: a catalogue item's base points, an activity's points per hour, a
 * goods item's price in points, or one community setting (`field`).
 */
export type RuleKind = 'service_points' | 'activity_points' | 'goods_price' | 'community_setting';

/** Settings a community changes through rule changes (see RULE_FIELDS in core/rules.ts). */
export type SettingField =
  | 'scoreMultipliers'
  | 'pointsCaps'
  | 'hourRounding'
  | 'minutesCheckRatio'
  | 'requireOrderReview'
  | 'acceptTimeoutMinutes'
  | 'orderLimits'
  | 'dailyLimits'
  | 'affairRules'
  | 'householdsPerLinker';

/**
 * pending → approved | rejected | superseded (a newer proposal for the same rule replaced it);
 * `applied`: a change that pays nothing, applied at once and only logged.
 */
export type RuleChangeStatus = 'pending' | 'approved' | 'rejected' | 'superseded' | 'applied';

/** A proposal waiting on a rule's document (a service, an activity, the community): shown beside the rule. */
export interface PendingRuleChange {
  id: string;
  after: unknown;
  /** A new catalogue item: offered to residents once the change is approved. */
  publish?: boolean;
}

/**
 * A change to how many points are paid (a service's base points, an activity's points per hour,
 * the score multipliers, the caps, the hour rounding, the minutes check) waits here until a second
 * staff member approves it; other settings changes are logged here as applied. The fields written
 * when it is proposed never change; the decision is written once, on a pending document only.
 * Nothing is ever removed: it is the community's audit log of its rules.
 */
export interface RuleChange {
  _id: string;
  communityId: string;
  kind: RuleKind;
  /** For a community setting: which one. */
  field?: SettingField;
  /** The service, activity or community it changes. */
  targetId: string;
  targetName: string;
  /** The values before and after, as stored (a number, or the setting's value). */
  before: unknown;
  after: unknown;
  needsApproval: boolean;
  /** A new catalogue item proposed with points: offered to residents once they are approved. */
  publishOnApproval?: boolean;
  /**
   * For an activity's rate: its length in minutes when proposed, shown to the reviewer and the most
   * it pays for once approved (a schedule stretched while the proposal waits pays no more).
   */
  minutes?: number;
  status: RuleChangeStatus;
  proposedBy: string;
  proposedByName: string;
  proposedAt: Date;
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: Date;
  note?: string;
}

/** One thing the reconciliation found that does not add up. */
export interface Discrepancy {
  /**
   * `stock`: a goods item's stock differs from the sum of its stock moves (field `stock`), or moves
   * name an item that is gone (field `goods`, stored 0, expected their sum).
   */
  kind: 'balance' | 'issued' | 'redeemed' | 'stock' | 'negative_stock' | 'volunteer_counter';
  /** The account's openid, the goods' id, the volunteer's openid. */
  subject: string;
  field: string;
  /** What the stored document says, and what its ledger or a recount says. */
  stored: number;
  expected: number;
  /**
   * What was done: nothing for money and stock (staff decide), reset for a ranking counter;
   * `unconfirmed`: what it is about kept changing while it was read again, so it is shown as swept.
   */
  action: 'reported' | 'counter_reset' | 'unconfirmed';
}

/**
 * A reconciliation of a community, never changed once written: the daily timer's
 * (`<communityId>:<YYYY-MM-DD>`) or one a staff member asked for (`<communityId>:<YYYY-MM-DD>:<HHmmss>`).
 */
export interface Reconciliation {
  _id: string;
  communityId: string;
  day: string;
  ranAt: Date;
  /** Absent on the timer's runs written before on-demand runs existed. */
  trigger?: 'timer' | 'on_demand';
  /** The staff member who asked for an on-demand run. */
  requestedBy?: string;
  /** YYYY-MM: the timer's first run of a month closes the month before (what the monthly report cites). */
  closesMonth?: string;
  accounts: number;
  ledgerEntries: number;
  goods: number;
  /** Absent on runs from before the stock ledger. */
  stockMoves?: number;
  volunteers: number;
  /** At most 1000 are kept (the document stays small); discrepancyCount says how many there were. */
  discrepancies: Discrepancy[];
  discrepancyCount?: number;
}

/**
 * `forfeit`: the balance of an account whose holder deleted it (注销), taken out so the ledger still
 * adds up; it moves the balance only, neither `issued` nor `redeemed`.
 */
export type PointsSource = 'service' | 'activity' | 'good_deed' | 'role_model' | 'redeem' | 'redeem_refund' | 'forfeit';

export interface PointsAccount {
  _id: string; // openid
  communityId: string;
  balance: number;
  issued: number;
  redeemed: number;
  /**
   * Redemptions made on `redemptionDay` (a local day), for the community's daily limit: kept on the
   * account the redemption writes anyway, so the limit costs no request of its own.
   */
  redemptionDay?: string;
  redemptionsThatDay?: number;
  updatedAt: Date;
}

/** One movement of love points. Append-only: its _id is the idempotency key. */
export interface LedgerEntry {
  _id: string;
  openid: string;
  communityId: string;
  delta: number;
  source: PointsSource;
  /** What caused it: an order id, a redemption id, an award id. */
  ref: string;
  reason?: string;
  by: string;
  balanceAfter: number;
  createdAt: Date;
}

export interface Goods {
  _id: string;
  communityId: string;
  name: string;
  pointsPrice: number;
  stock: number;
  description?: string;
  active: boolean;
  /** A change of pointsPrice waiting for a second staff member (a new item is priced 0 until then). */
  pendingRuleChange?: PendingRuleChange;
  /** The write-off (损耗) waiting for a second staff member: one at a time per item. */
  pendingWriteOff?: PendingWriteOff;
  updatedAt: Date;
}

/** What a goods item shows of its pending write-off, so the goods list needs no second read. */
export interface PendingWriteOff {
  id: string;
  quantity: number;
  reason: string;
  proposedBy: string;
  proposedByName: string;
  proposedAt: Date;
}

/**
 * How a goods item's stock changed: `opening` (what was on the shelf when the item was registered,
 * and the demo data's stock), `stock_in` (入库: a purchase or a donation), `redeem` (−), `refund` (+,
 * a cancelled redemption), `write_off` (−, 损耗 approved by a second staff member).
 */
export type StockMoveKind = 'opening' | 'stock_in' | 'redeem' | 'refund' | 'write_off';

export type StockSource = 'purchase' | 'donation';

/**
 * One change of a goods item's stock, written in the same transaction as the change. Append-only:
 * its _id is the idempotency key (`redeem:<redemptionId>`, `refund:<redemptionId>`,
 * `write_off:<writeOffId>`, `opening:<goodsId>`, `in-<hash of staff and request>`).
 */
export interface StockMove {
  _id: string;
  communityId: string;
  goodsId: string;
  /** The item's name when the move was made (kept if the item is renamed or gone). */
  goodsName: string;
  kind: StockMoveKind;
  delta: number;
  stockAfter: number;
  /** A stock-in's source, and for a donation who gave it (a person's or an organisation's name). */
  source?: StockSource;
  donor?: string;
  note?: string;
  /** A write-off's reason. */
  reason?: string;
  /** The redemption or write-off it belongs to. */
  ref?: string;
  /**
   * The staff member who made it (for a write-off: who approved it). Absent on a redemption's moves:
   * the redemption says who redeemed, and a resident's openid is kept nowhere else.
   */
  by?: string;
  byName?: string;
  createdAt: Date;
}

export type WriteOffStatus = 'pending' | 'approved' | 'rejected';

/** A write-off (损耗) of goods: the stock drops only when a second staff member approves it. */
export interface WriteOff {
  _id: string; // `wo-<hash of proposer and request>`
  communityId: string;
  goodsId: string;
  goodsName: string;
  quantity: number;
  reason: string;
  status: WriteOffStatus;
  proposedBy: string;
  proposedByName: string;
  proposedAt: Date;
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: Date;
  note?: string;
  /** The stock move an approval wrote. */
  moveId?: string;
}

export type RedemptionStatus = 'pending' | 'fulfilled' | 'cancelled';

export interface Redemption {
  _id: string;
  openid: string;
  communityId: string;
  goodsId: string;
  /** The redeemer's registered name when redeemed (what staff check at the counter); absent on older ones. */
  redeemerName?: string;
  goodsName: string;
  quantity: number;
  points: number;
  /** Shown at the counter; unique per community. */
  code: string;
  status: RedemptionStatus;
  clientRequestId: string;
  createdAt: Date;
  fulfilledAt?: Date;
  fulfilledBy?: string;
  cancelledAt?: Date;
  cancelledBy?: string;
  cancelReason?: string;
}

/**
 * A statutory service-hour record (志愿服务记录与证明出具办法 Art. 7: activity name, date, place,
 * content, service time, organising unit, person in charge). One per scored order (`order:<id>`)
 * and per attended activity (`activity:<activityId>:<openid>`). Good-deed points never make one
 * (Art. 19: only volunteer service is recorded).
 */
export interface ServiceRecord {
  _id: string;
  openid: string;
  volunteerName: string;
  communityId: string;
  source: 'order' | 'activity';
  /** The order or activity id. */
  ref: string;
  activityName: string;
  date: string; // YYYY-MM-DD, Beijing time
  place: string;
  content: string;
  /** Minutes actually given; `hours` is what they count for under the community's rounding rule. */
  minutes: number;
  hours: number;
  /** The service category (服务类别, Art. 5), e.g. the catalogue category or 社区活动. */
  category?: string;
  organiser: string;
  personInCharge: string;
  /** Who wrote the record (the scoring staff member, or whoever checked the volunteer out). */
  recordedBy?: string;
  /** Bumped by every change; a change is written only on the version it read. */
  version?: number;
  /** The correction request waiting for review, if any (one at a time). */
  pendingCorrectionId?: string;
  createdAt: Date;
  updatedAt?: Date;
}

/** The fields of a record a correction may change. */
export type CorrectableField = 'minutes' | 'date' | 'place' | 'content';
export type RecordFields = Partial<Pick<ServiceRecord, CorrectableField | 'hours'>>;

/** Append-only audit of every change to a record: who, when, what it was, what it became. */
export interface RecordChange {
  _id: string;
  recordId: string;
  communityId: string;
  /** The volunteer whose record it is. */
  openid: string;
  by: string;
  byName: string;
  at: Date;
  before: RecordFields;
  after: RecordFields;
  reason: string;
  correctionId?: string;
}

export type CorrectionStatus = 'pending' | 'approved' | 'rejected';

/** A volunteer's request to correct one of their records (办法 Art. 13). */
export interface RecordCorrection {
  _id: string;
  recordId: string;
  communityId: string;
  openid: string;
  volunteerName: string;
  /** What the volunteer asks the fields to become (only those they want changed). */
  changes: Partial<Pick<ServiceRecord, CorrectableField>>;
  reason: string;
  clientRequestId: string;
  status: CorrectionStatus;
  requestedAt: Date;
  reviewedBy?: string;
  reviewedByName?: string;
  reviewedAt?: Date;
  reviewNote?: string;
}

/**
 * A certificate of service (办法 Arts. 14–17), issued free on request. Its _id is the verification
 * code. It is a snapshot: the totals are those of the records at issue, which it lists.
 */
export interface Certificate {
  _id: string;
  communityId: string;
  communityName: string;
  openid: string;
  volunteerName: string;
  /** The period asked for, YYYY-MM-DD inclusive. */
  from: string;
  to: string;
  totalHours: number;
  recordCount: number;
  /** The records it counts, as they were at issue. */
  records: Array<{ id: string; date: string; activityName: string; hours: number; version: number }>;
  /** Hours per kind of service (服务内容), largest first. */
  content: Array<{ activityName: string; hours: number; count: number }>;
  clientRequestId: string;
  issuedAt: Date;
  /** Set when a record it counts is corrected afterwards: a newer certificate should be asked for. */
  supersededAt?: Date;
}

export type ActivityStatus = 'published' | 'cancelled';

/** A community volunteer activity (项目清单): a clean-up, a health talk, a festival performance. */
export interface Activity {
  _id: string;
  communityId: string;
  name: string;
  content: string;
  place: string;
  startAt: Date;
  endAt: Date;
  organiser: string;
  personInCharge: string;
  capacity: number;
  /** A volunteer needs all of these to sign up. */
  skills: string[];
  pointsPerHour: number;
  /** A change of pointsPerHour waiting for a second staff member. */
  pendingRuleChange?: PendingRuleChange;
  /**
   * The activity's length when its points per hour were approved: no one is paid for more, so
   * lengthening the schedule afterwards adds hours to the record but no points.
   */
  paidMinutesCap?: number;
  signupOpensAt: Date;
  signupClosesAt: Date;
  /** Until when a volunteer may withdraw (after it, staff mark a no-show instead). */
  withdrawClosesAt: Date;
  status: ActivityStatus;
  /**
   * Those holding a place and those waiting: a sign-up claims its place or number here (one
   * conditional write) before its document is written; withdrawals and promotions move them in
   * the transaction that changes the sign-ups.
   */
  enrolled: number;
  waitlisted: number;
  /** Last waiting-list number handed out: the list is served in this order. */
  waitSeq: number;
  /**
   * The tokens of the latest waiting-list claims, one per number, the last for `waitSeq`: a claim
   * finds its number by its token (see usecases/activity/places.ts). Never leaves the server.
   */
  waitTokens?: string[];
  /** When the activity timer reminded its enrolled volunteers; written once, before the messages go. */
  remindedAt?: Date;
  /** Seeds the rotating attendance codes; never leaves the server. */
  attendanceSecret: string;
  /** Staff who have displayed the code: they may not check themselves in or out with it. */
  codeShownTo?: string[];
  /** The creating staff member's request id, so a retried tap creates one activity. */
  clientRequestId: string;
  cancelReason?: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type SignupStatus = 'enrolled' | 'waitlisted' | 'withdrawn' | 'checked_in' | 'attended' | 'no_show';

/** A volunteer's place at an activity; _id `<activityId>:<openid>`, reused if they sign up again. */
export interface ActivitySignup {
  _id: string;
  activityId: string;
  communityId: string;
  openid: string;
  volunteerName: string;
  status: SignupStatus;
  /** Position key on the waiting list (smaller is earlier). */
  waitSeq?: number;
  signedUpAt: Date;
  withdrawnAt?: Date;
  checkInAt?: Date;
  checkInBy?: string;
  checkOutAt?: Date;
  checkOutBy?: string;
  /** Wrong codes typed; after 5 the volunteer must ask staff. */
  codeFailures: number;
  recordId?: string;
  /** Set by the record timer when checked in but never checked out, 8 working days on. */
  recordAlert?: RecordAlert;
  updatedAt: Date;
}

export type NominationStatus = 'pending' | 'approved' | 'rejected';

/**
 * A good-deed or role-model nomination (好人好事/先进典型). Staff or grid workers nominate; another
 * staff member approves (four eyes), and only then are points posted, on their own ledger source.
 */
export interface AwardNomination {
  _id: string;
  communityId: string;
  openid: string;
  nomineeName: string;
  kind: 'good_deed' | 'role_model';
  points: number;
  reason: string;
  nominatedBy: string;
  nominatedByName: string;
  clientRequestId: string;
  status: NominationStatus;
  createdAt: Date;
  reviewedBy?: string;
  reviewedByName?: string;
  reviewedAt?: Date;
  reviewNote?: string;
  /** The ledger entry the approval posted. */
  ledgerEntryId?: string;
}

/**
 * A year's 放假调休 arrangement entered by an administrator (admin/holidays); it replaces the one
 * shipped in core/working-days.ts for that year. `_id` is the year ('2027').
 */
export interface HolidayCalendarDoc {
  _id: string;
  year: number;
  /** Days off that would otherwise be working days (YYYY-MM-DD), sorted. */
  off: string[];
  /** Weekend days that are working days (调休上班), sorted. */
  work: string[];
  /** Where it comes from (国务院办公厅关于…的通知). */
  source: string;
  updatedBy: string;
  updatedByName: string;
  updatedAt: Date;
}

/** One change of a year's arrangement, kept for the record (who may have moved a deadline, and how). */
export interface HolidayCalendarChange {
  _id: string;
  year: number;
  /** The arrangement before (the stored one, else the shipped one, else none). */
  before: { off: string[]; work: string[]; source: string } | null;
  after: { off: string[]; work: string[]; source: string };
  changedBy: string;
  changedByName: string;
  changedAt: Date;
}

/**
 * One Excel ledger exported by staff or a grid worker (report.export): who took residents' data
 * out of the app, which ledger, for which period and grids, and how many rows. Written once, after
 * the file is stored and before its address is handed out; never changed.
 */
export interface ReportExport {
  _id: string;
  communityId: string;
  /** Who exported it, and their name then. */
  openid: string;
  exportedByName: string;
  /** The ledger (report.export's kind, e.g. orders). */
  kind: string;
  /** The period, Beijing calendar days, inclusive. */
  from: string;
  to: string;
  /** The grids the rows were limited to; absent: the whole community. */
  gridIds?: string[];
  rows: number;
  fileID: string;
  fileName: string;
  createdAt: Date;
}

/**
 * A role taken from someone (community.removeRole): a staff member, grid worker or department's
 * person who left. Written in the same transaction as the change of their record; never changed.
 */
export interface RoleRemoval {
  _id: string;
  communityId: string;
  /** Whose role, and their name then. */
  openid: string;
  name: string;
  role: 'staff' | 'grid_worker' | 'department';
  /** What went with the role: a grid worker's grids, a department's person's department. */
  gridIds?: string[];
  departmentId?: string;
  reason: string;
  /** Who removed it, and their name then. */
  by: string;
  byName: string;
  at: Date;
}

/** What kind of body a department is (how the desk groups them). */
export type DepartmentKind = '物业' | '城管' | '派出所' | '供水' | '供电' | '燃气' | '街道办' | '司法所' | '驻区单位' | '其他';

/**
 * A department or unit the community whistles to (吹哨): the categories of affairs it handles, a
 * contact phone (typed by staff, never verified), and whether it is still whistled to. Its staff
 * join by invitation (role `department`) and see only the affairs sent to it.
 */
export interface Department {
  _id: string;
  communityId: string;
  name: string;
  kind: DepartmentKind;
  categories: AffairCategory[];
  contactPhone?: string;
  active: boolean;
  /** Bumped by every edit; an edit is written only on the version it read. */
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

/** The default categories of affairs (问题类别). */
export type AffairCategory = '安全隐患' | '环境卫生' | '设施损坏' | '矛盾纠纷' | '违章搭建' | '其他';

export type AffairUrgency = '一般' | '紧急';

/**
 * reported → handling (the community resolves it itself) | whistled (吹哨 to a department);
 * whistled → accepted (报到) | returned (back to the community, with a reason);
 * handling | accepted → resolved; resolved → closed (confirmed) | reopened (with a reason);
 * returned and reopened wait for staff like reported.
 */
export type AffairStatus = 'reported' | 'handling' | 'whistled' | 'accepted' | 'returned' | 'resolved' | 'reopened' | 'closed';

/** The level a dispute (矛盾纠纷) is mediated at: 网格 → 社区调解 → 街道/区. */
export type MediationTier = 'grid' | 'community' | 'street';

export interface AffairEvent {
  at: Date;
  by: string;
  byName: string;
  from: AffairStatus | null;
  to: AffairStatus;
  note?: string;
  /** A dispute's mediation level at this step. */
  tier?: MediationTier;
}

/** Who works on an affair the community handles itself: a staff member, a grid worker or a volunteer. */
export interface AffairHandler {
  openid: string;
  name: string;
  kind: 'staff' | 'grid_worker' | 'volunteer';
}

/**
 * A problem found in the community (网格发现) or reported by a resident: the community handles it
 * itself or whistles to a department (社区吹哨), which accepts or returns it (部门报到). Every change
 * is a conditional write on `status` and `version` and appends to `events`.
 */
export interface Affair {
  _id: string;
  communityId: string;
  clientRequestId: string;
  category: AffairCategory;
  description: string;
  /** A dispute's parties (当事人), as the reporter named them: seen by staff and the mediator only. */
  parties?: string;
  place: { gridId: string; building: string; detail?: string };
  /** Cloud fileIDs under affairs/<this report's folder>/ (affair.photoFolder; an order turned into an affair: the order's). */
  photos?: string[];
  urgency: AffairUrgency;
  /** Who reported it (for an order turned into an affair: its resident, else the staff member). */
  reporterOpenid: string;
  reporterName: string;
  reporterRole: 'resident' | 'grid_worker' | 'staff';
  /** A resident's name is hidden from everyone but staff. */
  anonymous: boolean;
  /**
   * The reporter's household, for a resident reporting under their name about their own building
   * (never anonymous, never a dispute): its linker follows it (household.get).
   */
  householdId?: string;
  /** Who created it (differs from the reporter for affair.fromOrder). */
  createdBy: string;
  status: AffairStatus;
  version: number;
  /** A dispute's current mediation level. */
  tier?: MediationTier;
  /** Set while the community handles it itself. */
  handler?: AffairHandler;
  /** The department it was whistled to (until it returns it). */
  departmentId?: string;
  departmentName?: string;
  /** The deadline of the current handler or department; remindAt: when the timer reminds them. */
  dueAt?: Date;
  remindAt?: Date;
  overdue: boolean;
  /** How many deadlines passed unmet (each counted once, by the timer). */
  overdueCount: number;
  resolution?: { summary: string; photos?: string[]; by: string; byName: string; at: Date };
  rating?: { stars: number; comment?: string; at: Date };
  /** The order it came from (affair.fromOrder). */
  orderId?: string;
  /**
   * Flagged to the street office level (督办) by the timer when its missed deadlines reached the
   * community's `affairRules.escalateAfterOverdues`; once, kept after. That department's people see it.
   */
  escalation?: { departmentId: string; departmentName: string; at: Date; overdueCount: number };
  events: AffairEvent[];
  createdAt: Date;
  updatedAt: Date;
  closedAt?: Date;
}

/** 巡查 (walking the grid) or 走访 (visiting households). */
export type PatrolKind = 'patrol' | 'visit';

/**
 * One day's 巡查 or 走访 of a grid by one person (网格工作走访台账). Its _id is derived from who, which
 * grid, which day and which kind (core/patrols.ts `patrolLogIdOf`), so logging again the same day
 * rewrites it: a person holds at most two logs per grid and day, however often they tap.
 */
export interface PatrolLog {
  _id: string;
  communityId: string;
  /** Who patrolled, and their registered name then. */
  openid: string;
  workerName: string;
  gridId: string;
  /** The Beijing calendar day patrolled (YYYY-MM-DD), and its month (YYYY-MM) for the monthly summary. */
  date: string;
  month: string;
  kind: PatrolKind;
  /** Buildings of the grid walked or visited, as the grid named them that day. */
  buildings: string[];
  /** Households visited (入户); a count, never who. */
  households: number;
  notes?: string;
  /** Ids of affairs found on the way, as the grid worker gave them (linked to the affairs by id). */
  affairIds: string[];
  /** How often it was written (1 the first time). */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Who someone is to the household's head (户主). */
export type HouseholdRelation = '户主' | '配偶' | '子女' | '父母' | '祖孙' | '兄弟姐妹' | '租户' | '其他';

/** Circumstances that call for care; seen by staff and the household's linker only (never the household list of others). */
export type HouseholdFlag = '独居老人' | '空巢老人' | '残疾' | '低保' | '特困' | '重病' | '留守儿童' | '优抚对象';

/**
 * A home (户) in the register: its address down to the room, its members (registered residents by
 * openid, others by name only: elders without phones are why this exists), care flags, a contact
 * phone, and its linker (联户长 / 党员联系户 / 社区管家), who looks after it.
 */
export interface Household {
  _id: string;
  communityId: string;
  gridId: string;
  building: string;
  unit?: string;
  room: string;
  members: HouseholdMember[];
  flags: HouseholdFlag[];
  contactPhone?: string;
  /** The linker who looks after it (household.assignLinker). */
  linkerOpenid?: string;
  linkerName?: string;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

export interface HouseholdMember {
  /** A registered resident (confirmed by staff); absent for someone without the app. */
  openid?: string;
  name: string;
  relation: HouseholdRelation;
}

/** How a linker reached a household on a visit (走访). */
export type VisitWay = '上门' | '电话' | '微信';

/**
 * A linker's visit (走访) to one of their households: one per household, linker and day (its id
 * says so), dated at most a week back. Append-only; it pays nothing, and it is what the 双报到
 * record counts of a party member's linking, beside the households they look after.
 */
export interface HouseholdVisit {
  _id: string;
  communityId: string;
  householdId: string;
  gridId: string;
  /** The household's door then (1栋 2单元 301), so the record reads without the register. */
  address: string;
  linkerOpenid: string;
  linkerName: string;
  /** The day of the visit, YYYY-MM-DD (Asia/Shanghai). */
  date: string;
  way: VisitWay;
  /** What they found or were asked; read by staff and the household's linker. */
  note: string;
  createdAt: Date;
}

/** A resident's request to join the household registered at their home's address; staff decide. */
export interface HouseholdClaim {
  _id: string; // the resident's openid
  communityId: string;
  name: string;
  relation: HouseholdRelation;
  /** Their registered home then, to the room; the household's id follows from it. */
  address: { gridId: string; building: string; unit?: string; room: string };
  householdId: string;
  status: 'pending' | 'confirmed' | 'rejected';
  reason?: string;
  decidedBy?: string;
  decidedAt?: Date;
  createdAt: Date;
}

/** 楼院, 网格 or 社区: who may discuss and vote on a matter. */
export type CouncilScope = 'building' | 'grid' | 'community';

/** One vote per household (户代表) or per registered resident. */
export type VotingRule = 'household' | 'resident';

/** proposed (民事民提) → open (discussion and voting until the deadline) → closed → published (公开); or declined by staff. */
export type CouncilStage = 'proposed' | 'open' | 'closed' | 'published' | 'declined';

/** Where a matter belongs: a building (of a grid), a grid, or the whole community. */
export interface CouncilScopeRef {
  kind: CouncilScope;
  /** For building and grid. */
  gridId?: string;
  /** For building. */
  building?: string;
}

/** One step of a matter's life; at most one per stage change, so the log stays short. */
export interface CouncilEvent {
  kind: 'proposed' | 'opened' | 'declined' | 'closed' | 'published';
  by: string;
  byName: string;
  at: Date;
  /** The reason of a decline or an early close. */
  note?: string;
}

/** What a decision leads to: an affair, a volunteer activity or an order, by id. */
export type CouncilLinkKind = 'affair' | 'activity' | 'order';

/**
 * A matter of 居民议事 (一征三议两公开 in a plain form): raised by a resident, grid worker or staff
 * (民事民提), put to discussion by staff with a deadline, a voting rule and options, discussed (民议)
 * and voted on (民评) by the people in its scope, closed with a tally counted from the votes, and
 * published (公开) with the decision and what happens next.
 */
export interface CouncilMatter {
  _id: string;
  communityId: string;
  title: string;
  body: string;
  scope: CouncilScopeRef;
  /**
   * The scope as one key (`community`, `grid:<gridId>`, `building:<gridId>:<building>`): a
   * resident's list asks for the keys of their address in one query.
   */
  scopeKey: string;
  proposerOpenid: string;
  proposerName: string;
  /** The proposer's role then: a resident, a grid worker or staff. */
  proposerRole: 'resident' | 'grid_worker' | 'staff';
  stage: CouncilStage;
  /** Set when opened: voting ends then. */
  deadline?: Date;
  votingRule?: VotingRule;
  /** The choices (赞成/反对/弃权 by default); a vote names one by its index. */
  options?: string[];
  /** Counted from the votes when closed: votes per option (same order as options) and in all. */
  tally?: { counts: number[]; total: number; countedAt: Date };
  /** Written by council.publish: the decision and what happens next. */
  decision?: { text: string; nextStep?: string; link?: { kind: CouncilLinkKind; id: string }; by: string; byName: string; at: Date };
  declineReason?: string;
  /** Comments written (hidden ones included): bounds the discussion (MAX_COMMENTS_PER_MATTER). */
  commentCount: number;
  /** The last vote written: every vote touches the matter, so a vote and the close cannot cross. */
  lastVoteAt?: Date;
  version: number;
  events: CouncilEvent[];
  createdAt: Date;
  updatedAt: Date;
}

/** One comment (民议) on a matter; a hidden one keeps its text for staff and shows others the reason. */
export interface CouncilComment {
  _id: string;
  matterId: string;
  communityId: string;
  openid: string;
  authorName: string;
  authorRole: 'resident' | 'grid_worker' | 'staff';
  text: string;
  hidden?: { reason: string; by: string; byName: string; at: Date };
  createdAt: Date;
}

/**
 * A vote (民评): one document per matter and voter key (the household under the household rule,
 * the person under the resident rule), so however many members tap at once it stays one vote;
 * changing it rewrites the option.
 */
export interface CouncilVote {
  _id: string;
  matterId: string;
  communityId: string;
  /** householdId or openid, by the matter's rule. */
  key: string;
  rule: VotingRule;
  /** The index of the option chosen. */
  option: number;
  /** Who cast it last (a household's member). */
  openid: string;
  /** How often it was changed (0: never). */
  changes: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A vote's _id: one per matter and voter key. */
export const councilVoteIdOf = (matterId: string, key: string): string => `${matterId}:${key}`;
