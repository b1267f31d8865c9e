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
  redemptionCodes: 'redemption_codes',
  serviceRecords: 'service_records',
} as const;
export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** Roles a caller can hold. `resident`, `staff` and `grid_worker` are stored; the others are derived. */
export type Role = 'resident' | 'volunteer' | 'staff' | 'grid_worker' | 'admin';

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
  address: Address;
  roles: Array<'resident' | 'staff' | 'grid_worker'>;
  /** For a grid worker: the grids they look after. */
  gridIds?: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Grid {
  id: string;
  name: string;
  buildings: string[];
}

/** Points per score 1–5 as a multiplier of the service's base points. */
export type ScoreMultipliers = Record<'1' | '2' | '3' | '4' | '5', number>;

export interface CommunitySettings {
  /** New orders wait for staff review (pending_review) before dispatch. */
  requireOrderReview: boolean;
  scoreMultipliers: ScoreMultipliers;
  /** An assignment not accepted within this many minutes goes back to the queue. */
  acceptTimeoutMinutes: number;
}

export interface Community {
  _id: string;
  name: string;
  district?: string;
  grids: Grid[];
  settings: CommunitySettings;
  createdAt: Date;
}

export interface Invitation {
  _id: string; // the code
  communityId: string;
  role: 'staff' | 'grid_worker';
  gridIds?: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedBy?: string;
  usedAt?: Date;
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
  updatedAt: Date;
}

export type VolunteerStatus = 'pending' | 'approved' | 'rejected';

export interface Volunteer {
  _id: string; // openid
  communityId: string;
  realName: string;
  phone: string;
  birthDate: string; // YYYY-MM-DD
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
  /** Counters kept with every transition, for ranking without scanning orders. */
  stats: { activeOrders: number; completedOrders: number; ratingSum: number; ratingCount: number };
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
  clientRequestId: string;
  serviceId: string;
  serviceName: string;
  skills: string[];
  basePoints: number;
  expectedMinutes: number;
  description: string;
  address: Address;
  contactName: string;
  contactPhone: string;
  preferredTime?: string;
  /** Photos of the need (cloud fileIDs), uploaded by whoever ordered, under orders/<their openid>/. */
  photos?: string[];
  status: OrderStatus;
  assignee?: string;
  assigneeName?: string;
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
  completion?: { summary: string; minutes: number };
  rating?: { stars: number; comment?: string; at: Date };
  score?: { score: number; note?: string; by: string; at: Date; points: number };
  reviewNote?: string;
}

export type PointsSource = 'service' | 'good_deed' | 'role_model' | 'redeem' | 'redeem_refund';

export interface PointsAccount {
  _id: string; // openid
  communityId: string;
  balance: number;
  issued: number;
  redeemed: number;
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
  updatedAt: Date;
}

export type RedemptionStatus = 'pending' | 'fulfilled' | 'cancelled';

export interface Redemption {
  _id: string;
  openid: string;
  communityId: string;
  goodsId: string;
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
 * Claims a redemption code within a community: its _id is `<communityId>:<code>`, so a transaction
 * can test and take a code by _id (transactions cannot query by field), and verification finds the
 * redemption by _id too. Codes are never released, so a code names one redemption forever.
 */
export interface RedemptionCode {
  _id: string;
  communityId: string;
  code: string;
  redemptionId: string;
  createdAt: Date;
}

/** A statutory service-hour record (志愿服务记录与证明出具办法 Art. 7). */
export interface ServiceRecord {
  _id: string;
  openid: string;
  volunteerName: string;
  communityId: string;
  source: 'order';
  ref: string;
  activityName: string;
  date: string; // YYYY-MM-DD, Beijing time
  place: string;
  content: string;
  minutes: number;
  organiser: string;
  personInCharge: string;
  createdAt: Date;
}
