/**
 * The affair state machine (网格发现 → 社区吹哨 → 部门报到): which command moves an affair from which
 * statuses to which, who may issue it, and what a viewer may see. Writes use the status and the
 * version read as the condition of a conditional update, so of two people acting at once one wins.
 */
import type { AffairCommand } from './contract/affair';
import type { Affair, AffairStatus, MediationTier } from './model';
import type { Caller } from './ports';

/** The category whose parties and details are confidential (staff and the mediator only). */
export const DISPUTE = '矛盾纠纷';

/** Statuses waiting for staff to handle it or whistle (吹哨). */
export const AT_THE_DESK: readonly AffairStatus[] = ['reported', 'returned', 'reopened'];
/**
 * Hours staff have to handle or whistle what reaches their desk (a report, a return, a reopening):
 * past them it is overdue like work in hand, so a desk that passes nothing on is seen, counted and,
 * in the end, supervised (督办).
 */
export const DESK_HOURS = 24;

/** Statuses with a deadline the timer watches: at the desk, and in someone's hands. */
export const WITH_DEADLINE: readonly AffairStatus[] = ['reported', 'returned', 'reopened', 'handling', 'whistled', 'accepted'];

/** Statuses someone is working on, with a deadline. */
export const IN_HAND: readonly AffairStatus[] = ['handling', 'whistled', 'accepted'];
export const ALL_STATUSES: readonly AffairStatus[] = ['reported', 'handling', 'whistled', 'accepted', 'returned', 'resolved', 'reopened', 'closed'];
export const OPEN_AFFAIR_STATUSES: readonly AffairStatus[] = ALL_STATUSES.filter((status) => status !== 'closed');

interface Transition {
  from: readonly AffairStatus[];
  to?: AffairStatus;
}

export const AFFAIR_TRANSITIONS = {
  /** The community resolves it itself; staff may also re-assign it while it is being handled. */
  handle: { from: [...AT_THE_DESK, 'handling'], to: 'handling' },
  /** 吹哨: to a department, from the desk or from the community's own handling. */
  whistle: { from: [...AT_THE_DESK, 'handling'], to: 'whistled' },
  /** 报到: the department accepts it. */
  accept: { from: ['whistled'], to: 'accepted' },
  /** The department returns it to the community, with a reason. */
  return: { from: ['whistled'], to: 'returned' },
  resolve: { from: ['handling', 'accepted'], to: 'resolved' },
  confirm: { from: ['resolved'], to: 'closed' },
  reopen: { from: ['resolved'], to: 'reopened' },
  /** Records the reporter's rating without changing the status. */
  rate: { from: ['closed'] },
} as const satisfies Record<string, Transition>;
export type AffairTransition = keyof typeof AFFAIR_TRANSITIONS;

export const canMove = (affair: Pick<Affair, 'status'>, command: AffairTransition): boolean =>
  (AFFAIR_TRANSITIONS[command].from as readonly AffairStatus[]).includes(affair.status);

/** The reminder goes when a quarter of the time is left (at least an hour before the deadline). */
export function remindAtFor(start: Date, dueAt: Date): Date {
  const window = dueAt.getTime() - start.getTime();
  return new Date(dueAt.getTime() - Math.max(window / 4, Math.min(window, 60 * 60 * 1000)));
}

/** Reports one person may make a day: residents fewer, grid workers and staff (who patrol) more. */
export const DAILY_REPORTS = { resident: 5, official: 30 } as const;

export const TIER_ORDER: readonly MediationTier[] = ['grid', 'community', 'street'];

/** A dispute's level at a step: what staff chose, else the level the step stands for. */
export const tierFor = (affair: Pick<Affair, 'category'>, step: 'report' | 'handle' | 'whistle', chosen?: MediationTier): MediationTier | undefined => {
  if (affair.category !== DISPUTE) return undefined;
  return chosen ?? (step === 'report' ? 'grid' : step === 'handle' ? 'community' : 'street');
};

const ofCommunity = (caller: Caller, affair: Pick<Affair, 'communityId'>) => caller.communityId === affair.communityId && caller.user !== null;

export const isAffairStaff = (caller: Caller, affair: Pick<Affair, 'communityId'>): boolean => ofCommunity(caller, affair) && caller.roles.has('staff');

/** Department staff of the department it is with now. */
export const isItsDepartment = (caller: Caller, affair: Pick<Affair, 'communityId' | 'departmentId'>): boolean =>
  ofCommunity(caller, affair) && caller.roles.has('department') && affair.departmentId !== undefined && caller.user?.departmentId === affair.departmentId;

export const isGridWorkerOf = (caller: Caller, affair: Pick<Affair, 'communityId' | 'place'>): boolean =>
  ofCommunity(caller, affair) && caller.roles.has('grid_worker') && (caller.user?.gridIds ?? []).includes(affair.place.gridId);

export const isReporter = (caller: Caller, affair: Pick<Affair, 'reporterOpenid'>): boolean => affair.reporterOpenid === caller.openid;

/** Whoever works on it now: the assigned person, or the department it was whistled to. */
export const isHandler = (caller: Caller, affair: Pick<Affair, 'communityId' | 'status' | 'handler' | 'departmentId'>): boolean =>
  (affair.status === 'handling' && affair.handler?.openid === caller.openid && ofCommunity(caller, affair)) ||
  ((affair.status === 'whistled' || affair.status === 'accepted') && isItsDepartment(caller, affair));

/** The people of the street office level's department, once the affair was flagged to it (督办): they follow it, and act on nothing. */
export const isOverseer = (caller: Caller, affair: Pick<Affair, 'communityId' | 'escalation'>): boolean =>
  ofCommunity(caller, affair) && caller.roles.has('department') && affair.escalation !== undefined && caller.user?.departmentId === affair.escalation.departmentId;

export function canViewAffair(caller: Caller, affair: Affair): boolean {
  return (
    isAffairStaff(caller, affair) ||
    isOverseer(caller, affair) ||
    isReporter(caller, affair) ||
    (affair.handler?.openid === caller.openid && ofCommunity(caller, affair)) ||
    isItsDepartment(caller, affair) ||
    isGridWorkerOf(caller, affair)
  );
}

/**
 * Whether the viewer sees the details. A dispute's parties and details are for staff, the reporter
 * (their own words) and the mediator only (the assigned person, or the department it is with);
 * others (the grid's worker) see its category and status.
 */
export function seesDetails(caller: Caller, affair: Affair): boolean {
  if (affair.category !== DISPUTE) return true;
  return isAffairStaff(caller, affair) || isReporter(caller, affair) || (affair.handler?.openid === caller.openid && affair.status === 'handling') || isItsDepartment(caller, affair);
}

/** A resident who reported anonymously is named to staff only (and to themselves). */
export const seesReporter = (caller: Caller, affair: Affair): boolean => !affair.anonymous || isAffairStaff(caller, affair) || isReporter(caller, affair);

/**
 * Why this caller may not confirm (or reopen) the resolution, or null. The reporter may; so may
 * staff and the grid's worker, unless they resolved it themselves (nobody signs off their own work).
 */
export function confirmRefusal(caller: Caller, affair: Affair): string | null {
  // First, even for the reporter: a staff member who reports, handles and resolves an affair does not also sign it off.
  if (didTheWork(caller, affair)) return '不能确认自己或本部门办理的结果，请由上报人或其他工作人员确认';
  if (isReporter(caller, affair)) return null;
  if (!isAffairStaff(caller, affair) && !isGridWorkerOf(caller, affair)) return '只有上报人、该网格的网格员或社区工作人员可以确认办理结果';
  // A mediation's outcome is for its parties (the reporter) and staff, who see it; the grid's worker does not.
  if (affair.category === DISPUTE && !isAffairStaff(caller, affair)) return '矛盾纠纷的调解结果由上报人或社区工作人员确认';
  return null;
}

/** Whoever did the work: the person who resolved it, or anyone of the department that did. */
export const didTheWork = (caller: Caller, affair: Pick<Affair, 'resolution' | 'departmentId'>): boolean =>
  affair.resolution?.by === caller.openid || (affair.departmentId !== undefined && caller.roles.has('department') && caller.user?.departmentId === affair.departmentId);

/** The commands this caller may issue on this affair now (pages show their buttons from it). */
export function allowedAffairCommands(affair: Affair, caller: Caller): AffairCommand[] {
  const commands: AffairCommand[] = [];
  const staff = isAffairStaff(caller, affair);
  if (staff && canMove(affair, 'handle')) commands.push('handle');
  if (staff && canMove(affair, 'whistle')) commands.push('whistle');
  if (isItsDepartment(caller, affair) && canMove(affair, 'accept')) commands.push('respond');
  if (isHandler(caller, affair) && canMove(affair, 'resolve')) commands.push('resolve');
  if (confirmRefusal(caller, affair) === null && canMove(affair, 'confirm')) commands.push('confirm');
  if (isReporter(caller, affair) && !didTheWork(caller, affair) && canMove(affair, 'rate') && !affair.rating) commands.push('rate');
  return commands;
}
