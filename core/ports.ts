/**
 * What the use cases need from the outside world. The cloud-function adapters (backend/) implement
 * these with wx-server-sdk; nothing in core/ knows about WeChat.
 */
import type { CollectionName, Community, PointsAccount, Role, User, Volunteer, VolunteerStatus } from './model';

/**
 * A condition on one field (dot paths allowed). A bare value means equality. Strings compare in
 * code-point order, which keyset paging uses to break ties on _id.
 */
type BoundKind = 'gt' | 'gte' | 'lt' | 'lte';
/**
 * One bound per field: `{ gte: a, lt: b }` is not a range here (the adapters apply one operator), so
 * the type refuses it; a range is read with one bound and ended by the reader.
 */
type Bound<K extends BoundKind> = { [P in K]: number | Date | string } & { [P in Exclude<BoundKind, K>]?: never };

export type Condition =
  | string
  | number
  | boolean
  | null
  | Date
  | { in: readonly unknown[] }
  | { nin: readonly unknown[] }
  | { neq: unknown }
  | Bound<'gt'>
  | Bound<'gte'>
  | Bound<'lt'>
  | Bound<'lte'>
  | { exists: boolean }
  /** An array field whose every element is one of these (an empty array qualifies). */
  | { subsetOf: readonly unknown[] };

/** All conditions must hold. */
export type Where = Record<string, Condition>;

export interface Update {
  set?: Record<string, unknown>;
  inc?: Record<string, number>;
  push?: Record<string, unknown>;
  /** Adds the value to an array field unless it is there already. */
  addToSet?: Record<string, unknown>;
  unset?: string[];
}

export interface FindOptions {
  orderBy?: Array<[field: string, direction: 'asc' | 'desc']>;
  /**
   * Keyset paging: only documents that sort after these values of the orderBy fields (one value
   * per field, in order). Unlike skip, a list that changes between pages neither skips nor repeats.
   */
  after?: readonly unknown[];
  skip?: number;
  /** At most 1000 (the cloud database's limit for one read). */
  limit?: number;
  /**
   * Fields (dot paths allowed) left out of the documents read: a list needs neither an order's
   * timeline nor the reasons of its declines, and a read's result must stay well under 1 MB.
   */
  omit?: readonly string[];
}

/**
 * An independent read: documents of `from` matching `where` (at most `limit`), or, with `sum`, the
 * total of that field over all of them (one element `{ total }`, or none when nothing matches).
 */
export type Read =
  | { from: CollectionName; where: Where; orderBy?: FindOptions['orderBy']; limit: number; omit?: readonly string[] }
  | { from: CollectionName; where: Where; sum: string };

/**
 * Documents of another collection attached to each document read, in the same request (an
 * aggregate's $lookup): either those whose `foreignField` equals the document's `localField`, or
 * the result of an independent read, which spares that read its own request.
 */
export type Join = { from: CollectionName; localField: string; foreignField: string } | Read;

export interface Collection<T extends { _id: string }> {
  get(id: string): Promise<T | null>;
  find(where: Where, options?: FindOptions): Promise<T[]>;
  /**
   * `find` plus, on each document, the documents each join names (an array under the join's key):
   * what would be a second read per join comes back in the same request.
   */
  findJoined<J extends Record<string, object>>(
    where: Where,
    options: Omit<FindOptions, 'skip'>,
    joins: { [K in keyof J]: Join },
  ): Promise<Array<T & { [K in keyof J]: J[K][] }>>;
  count(where: Where): Promise<number>;
  /** The total of a numeric field over the documents matching `where` (0 when none). */
  sum(where: Where, field: string): Promise<number>;
  /** Inserts; false (and nothing written) when the _id or a unique key is taken. */
  add(doc: T): Promise<boolean>;
  /** A conditional write: updates the documents matching `where`; returns how many changed. */
  update(where: Where, update: Update): Promise<number>;
  /** Deletes the documents matching `where` (only 注销 erases documents); returns how many went. */
  remove(where: Where): Promise<number>;
}

/** Single-document operations inside a transaction (what the cloud database allows). */
export interface TransactionCollection<T extends { _id: string }> {
  get(id: string): Promise<T | null>;
  add(doc: T): Promise<void>;
  set(doc: T): Promise<void>;
  update(id: string, update: Update): Promise<void>;
}

export interface Transaction {
  collection<T extends { _id: string }>(name: CollectionName): TransactionCollection<T>;
}

export interface Store {
  collection<T extends { _id: string }>(name: CollectionName): Collection<T>;
  /**
   * Runs `work` atomically; it may be retried on a conflict, so it must do nothing outside `tx`.
   * A DomainError thrown inside rolls back and is rethrown. `attempts`: how often to try before
   * giving up with CONFLICT (the adapter has a default). `attempt` counts from 1: a later one may
   * first check whether an earlier one's write was taken (its insert met a taken key).
   */
  transaction<R>(work: (tx: Transaction, attempt: number) => Promise<R>, options?: { attempts?: number }): Promise<R>;
}

export interface Clock {
  now(): Date;
}

/** Letters and digits without look-alikes (0/O, 1/I/L), for codes people copy by hand. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export interface Random {
  /** A fresh opaque id. */
  id(): string;
  /** `length` random decimal digits, e.g. a redemption code. */
  digits(length: number): string;
  /** `length` random characters of CODE_ALPHABET: a secret code people can still read and type. */
  code(length: number): string;
}

/** WeChat's content security check (msgSecCheck v2). */
export interface ContentSafety {
  check(text: string, openid: string, scene: 'profile' | 'comment' | 'forum' | 'social'): Promise<'pass' | 'review' | 'risky'>;
}

/** A phone number WeChat vouches for: mainland numbers have country code 86. */
export interface VerifiedPhone {
  purePhoneNumber: string;
  countryCode: string;
}

/**
 * WeChat's 手机号快速验证: the code the phone-number button gives a person, exchanged once (within 5
 * minutes) for the number they chose in WeChat.
 */
export interface PhoneVerification {
  /**
   * The number behind `code`, checked to belong to `openid`; null when WeChat refuses the code
   * (forged, used already, expired, or another person's). Any other failure throws.
   */
  exchange(code: string, openid: string): Promise<VerifiedPhone | null>;
}

export type NotificationKind =
  | 'order_assigned'
  | 'order_accepted'
  | 'order_completed'
  /** The resident (or staff) cancelled an order the volunteer had been assigned or had accepted. */
  | 'order_cancelled'
  /** The volunteer handed back an order they had accepted (退单): the resident is told it waits again. */
  | 'order_handed_back'
  /** Before an accepted order's preferred time (or its due time), to its volunteer. */
  | 'order_reminder'
  /** Before an activity starts, to the volunteers enrolled in it. */
  | 'activity_reminder'
  /** A volunteer moved from an activity's waiting list onto the list (a withdrawal, a capacity raise). */
  | 'activity_promoted'
  /** Staff cancelled an activity the volunteer was enrolled in, checked in at or waiting for. */
  | 'activity_cancelled'
  /** Staff handed an affair to someone (交办), or whistled it to a department (to its people). */
  | 'affair_assigned'
  /** Before an affair's deadline (a quarter of the time left), to whoever works on it. */
  | 'affair_reminder'
  /** The handler recorded what was done: the reporter is asked to confirm it. */
  | 'affair_resolved'
  /** A resident or grid worker raised a 议事 matter: the community's staff are asked to open or decline it. */
  | 'council_proposed'
  /** Staff put the matter to discussion and voting: its proposer is told until when. */
  | 'council_opened'
  /** Staff declined the matter: its proposer reads the reason. */
  | 'council_declined'
  /** Staff published the result: its proposer reads the decision. */
  | 'council_published';

export interface Notification {
  kind: NotificationKind;
  touser: string;
  page: string;
  /** Template fields, e.g. { thing1: '助餐送餐', time2: '2026-11-21 14:00' }. */
  fields: Record<string, string>;
}

/** Subscribe messages; best effort: a user who did not subscribe simply gets none. */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** Cloud storage, for files the functions write for a person (their data export) or erase (their photos). */
export interface FileStorage {
  /** Writes `content` at `cloudPath`; returns its fileID. */
  upload(cloudPath: string, content: Uint8Array): Promise<string>;
  /** An address the file can be downloaded from for `maxAgeSeconds`. */
  temporaryUrl(fileID: string, maxAgeSeconds: number): Promise<string>;
  /** Deletes the files (a missing one is no error). */
  remove(fileIDs: readonly string[]): Promise<void>;
}

/**
 * What a cell of a sheet holds, by its column's type: `text`; `integer` and `decimal` numbers
 * (stored as numbers, so they add up in Excel; decimal shown with two places); `number` one as it
 * is (a column of counts and averages); `date` a Beijing
 * calendar day ('YYYY-MM-DD'); `datetime` an instant, shown as Beijing wall-clock time. Both kinds
 * of date are stored as Excel dates.
 */
export type SheetColumnType = 'text' | 'integer' | 'decimal' | 'number' | 'date' | 'datetime';

export interface SheetColumn {
  header: string;
  /** In characters (Excel's column width). */
  width: number;
  type: SheetColumnType;
}

/** An empty cell is null. */
export type SheetCell = string | number | Date | null;

/** One worksheet: a title row merged across the columns, then the header row, both frozen. */
export interface SheetDescription {
  /** The worksheet's tab (at most 31 characters). */
  name: string;
  /** e.g. 幸福里社区 工单台账（2026年11月）. */
  title: string;
  columns: readonly SheetColumn[];
}

/**
 * Spreadsheet files (.xlsx) people open in Excel, WPS or WeChat. The rows arrive as an async
 * iterable and are written as they come, so a workbook of 50,000 rows never holds them all.
 */
export interface Spreadsheets {
  /** One workbook of these sheets, in order; `rows` counts the data rows of them all. */
  write(sheets: ReadonlyArray<{ sheet: SheetDescription; rows: AsyncIterable<readonly SheetCell[]> }>): Promise<{ bytes: Uint8Array; rows: number }>;
}

export interface Deps {
  store: Store;
  clock: Clock;
  random: Random;
  content: ContentSafety;
  notifier: Notifier;
  phones: PhoneVerification;
  files: FileStorage;
  spreadsheets: Spreadsheets;
  /** Openids bootstrapped as administrators (LINLI_ADMIN_OPENIDS). */
  adminOpenids: ReadonlySet<string>;
}

/** Who is calling, resolved once per request from their openid. */
export interface Caller {
  openid: string;
  roles: ReadonlySet<Role>;
  user: User | null;
  /** The caller's volunteer record; null when they have none. */
  volunteer: Volunteer | null;
  volunteerStatus: VolunteerStatus | null;
  /** The community the caller belongs to (as resident, staff or volunteer). */
  communityId: string | null;
  /** That community's document, read with the caller (so an action using it reads it no more). */
  community: Community | null;
  /**
   * Their points account as it was when the call began (null: none yet), for showing a balance.
   * Anything that moves points reads the account again inside its transaction.
   */
  points: PointsAccount | null;
}

export interface ActionContext {
  caller: Caller;
  deps: Deps;
  /**
   * What the action's contract `reads` declared, read with the caller, by key. A key is absent when
   * those reads were not made (a caller with no user document): the handler reads it itself.
   */
  preread: Readonly<Record<string, readonly unknown[]>>;
}
