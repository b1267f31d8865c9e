/**
 * The order state machine: which command moves an order from which statuses to which, and who may
 * issue it. Writes use `from` as the condition of a conditional update, so two people acting at
 * once cannot both succeed.
 */
import type { OrderCommand } from './contract';
import type { Order, OrderEvent, OrderStatus, Volunteer } from './model';
import type { Caller } from './ports';

/**
 * What the rules below need of an order. Lists read orders without the notes and times of their
 * timeline and the reasons of their declines (see ORDER_LIST_OMIT), and the rules work on that too.
 */
export type OrderFacts = Omit<Order, 'events' | 'declines'> & {
  events: ReadonlyArray<Pick<OrderEvent, 'by' | 'from' | 'to'>>;
  declines: ReadonlyArray<Pick<Order['declines'][number], 'by'>>;
};

/**
 * An order collects at most this many assignments: one that nobody keeps after 20 is a case for a
 * phone call, not another round. With the one-decline-per-volunteer rule and HALL_DECLINE_LIMIT,
 * this bounds everything an order accumulates (its timeline and declines), whoever keeps at it.
 */
export const MAX_ASSIGNMENTS = 20;

/** After this many volunteers handed an order back, it leaves the hall: staff assign it from then on. */
export const HALL_DECLINE_LIMIT = 5;

export const assignmentsOf = (order: Pick<OrderFacts, 'events'>): number => order.events.filter((event) => event.to === 'assigned').length;

export const hasDeclined = (order: Pick<OrderFacts, 'declines'>, openid: string): boolean => order.declines.some((decline) => decline.by === openid);

/**
 * Who acted for the community on this order: placed it for someone else (代点单), reviewed it or
 * assigned it. Separation of duties: none of them may serve it, so nobody sends work (and the
 * points it pays) to themselves.
 */
export function officialsOf(order: Pick<OrderFacts, 'createdBy' | 'residentOpenid' | 'events'>): Set<string> {
  const officials = new Set<string>();
  if (order.createdBy !== order.residentOpenid) officials.add(order.createdBy);
  for (const event of order.events) {
    if (event.by === 'system') continue;
    const reviewed = event.from === 'pending_review' && (event.to === 'pending' || event.to === 'rejected');
    if (reviewed || event.to === 'assigned') officials.add(event.by);
  }
  return officials;
}

/** Why this person may not serve this order, or null when they may. */
export type ServeConflict = 'resident' | 'declined' | 'official';

export function serveConflict(order: Pick<OrderFacts, 'createdBy' | 'residentOpenid' | 'events' | 'declines'>, openid: string): ServeConflict | null {
  if (order.residentOpenid === openid) return 'resident';
  if (hasDeclined(order, openid)) return 'declined';
  if (officialsOf(order).has(openid)) return 'official';
  return null;
}

/**
 * Why this staff member may not score this order, or null. Whoever served it or ordered it (for
 * themselves or for someone without a phone) does not also decide what it pays: scoring is the
 * second pair of eyes on the work, so an order one staff member made up cannot pay out alone.
 */
export function scoreConflict(order: Pick<OrderFacts, 'assignee' | 'residentOpenid' | 'createdBy'>, openid: string): string | null {
  if (order.assignee === openid) return '不能为自己承接的订单评分，请由其他工作人员评分';
  if (order.residentOpenid === openid) return '不能为自己的订单评分，请由其他工作人员评分';
  if (order.createdBy === openid) return '您代居民下了这个订单，请由其他工作人员评分';
  return null;
}

/**
 * Why this caller may not record the rating of an order placed for an elder without WeChat (代评),
 * or null when they may. Only the person who placed it asked the elder and answers for it; the
 * elder has no account, or they would rate it themselves. Nobody rates a service they did (someone
 * who placed an order can never serve it, see officialsOf, but older orders are not trusted to show
 * that), and the placer must still look after the order (still staff, or still that grid's worker).
 */
export function rateOnBehalfConflict(
  order: Pick<OrderFacts, 'createdBy' | 'residentOpenid' | 'assignee' | 'communityId' | 'address' | 'householdId'>,
  caller: Caller,
  linksHousehold = placedForHousehold(order, caller),
): string | null {
  if (order.residentOpenid !== '') return '该订单的居民有自己的账号，请由居民本人评价';
  if (order.createdBy !== caller.openid) return '只有代居民下单的工作人员可以代居民评价';
  if (order.assignee === caller.openid) return '不能评价自己承接的服务';
  if (!managesOrder(caller, order) && !linksHousehold) return '您已不再负责该订单，无法代居民评价';
  return null;
}

/**
 * Whether the caller placed this order for a household's member without an account (a linker's
 * 代点单): they follow it, may cancel it and record the elder's rating. Pages take it as it reads;
 * the actions also check that the caller still looks after the household.
 */
export const placedForHousehold = (order: Pick<OrderFacts, 'createdBy' | 'residentOpenid' | 'householdId'>, caller: Caller): boolean =>
  order.householdId !== undefined && order.residentOpenid === '' && order.createdBy === caller.openid;

export const OPEN_STATUSES: readonly OrderStatus[] = ['pending_review', 'pending', 'assigned', 'accepted', 'in_service'];
export const FINAL_STATUSES: readonly OrderStatus[] = ['closed', 'cancelled', 'rejected'];

interface Transition {
  from: readonly OrderStatus[];
  /** Absent: the command records something without changing the status (rate). */
  to?: OrderStatus;
}

export const TRANSITIONS: Record<Exclude<OrderCommand, 'review'>, Transition> & {
  approve: Transition;
  reject: Transition;
  requeue: Transition;
} = {
  approve: { from: ['pending_review'], to: 'pending' },
  reject: { from: ['pending_review'], to: 'rejected' },
  /** Staff may re-assign an order its volunteer has not accepted yet. */
  assign: { from: ['pending', 'assigned'], to: 'assigned' },
  /** The assignee accepts, or any eligible volunteer takes it from the hall (抢单). */
  accept: { from: ['assigned', 'pending'], to: 'accepted' },
  /**
   * The assignee declines an assignment, or hands back one they accepted and cannot serve after all
   * (退单): nobody may be forced to serve (志愿服务条例 Art. 25).
   */
  decline: { from: ['assigned', 'accepted'], to: 'pending' },
  start: { from: ['accepted'], to: 'in_service' },
  /** Completing straight from accepted is allowed: people forget to tap “start”. */
  complete: { from: ['accepted', 'in_service'], to: 'completed' },
  /** Before the service starts. */
  cancel: { from: ['pending_review', 'pending', 'assigned', 'accepted'], to: 'cancelled' },
  rate: { from: ['completed', 'closed'] },
  /** The same rating, recorded for an elder without WeChat by whoever placed the order (代评). */
  rateOnBehalf: { from: ['completed', 'closed'] },
  score: { from: ['completed'], to: 'closed' },
  /** The timer: an assignment nobody accepted in time goes back to the queue. */
  requeue: { from: ['assigned'], to: 'pending' },
};

/**
 * Staff manage every order of their community; a grid worker only those in the grids they look
 * after (none when no grid is named: least privilege, as they see residents' phones).
 */
export function managesOrder(caller: Caller, order: Pick<Order, 'communityId' | 'address'> & { residentOpenid?: string }): boolean {
  if (caller.communityId !== order.communityId) return false;
  // Staff who order for themselves are residents of that order, not its managers.
  if (order.residentOpenid !== undefined && order.residentOpenid === caller.openid) return false;
  if (caller.roles.has('staff')) return true;
  return caller.roles.has('grid_worker') && (caller.user?.gridIds ?? []).includes(order.address.gridId);
}

/** Skills the volunteer lacks for the order (empty: eligible). */
export function missingSkills(order: Pick<Order, 'skills'>, skills: readonly string[]): string[] {
  return order.skills.filter((skill) => !skills.includes(skill));
}

/**
 * Whether this volunteer may serve this order: approved, available, of its community, with its
 * skills, and with no conflict (not its resident, not someone who handed it back or acted on it for
 * the community).
 */
export function volunteerCanServe(
  volunteer: Volunteer,
  order: Pick<OrderFacts, 'communityId' | 'residentOpenid' | 'skills' | 'createdBy' | 'events' | 'declines'>,
): boolean {
  return (
    volunteer.status === 'approved' &&
    volunteer.available &&
    volunteer.communityId === order.communityId &&
    serveConflict(order, volunteer._id) === null &&
    missingSkills(order, volunteer.skills).length === 0
  );
}

/** Whether the caller may take this order from the hall (or accept it), as a volunteer. */
export function isEligibleVolunteer(caller: Caller, order: OrderFacts): boolean {
  const volunteer = caller.volunteer;
  if (volunteer === null || volunteer._id !== caller.openid || !volunteerCanServe(volunteer, order)) return false;
  return order.status !== 'pending' || order.declines.length < HALL_DECLINE_LIMIT;
}

/** The commands this caller may issue on this order now. */
export function allowedCommands(order: OrderFacts, caller: Caller): OrderCommand[] {
  const at = (command: keyof typeof TRANSITIONS) => TRANSITIONS[command].from.includes(order.status);
  const owner = order.residentOpenid === caller.openid;
  const staff = managesOrder(caller, order);
  // An order past MAX_ASSIGNMENTS is not assigned again (see dispatch.assign).
  const canAssign = staff && assignmentsOf(order) < MAX_ASSIGNMENTS;
  const assignee = order.assignee === caller.openid && caller.roles.has('volunteer');
  const commands: OrderCommand[] = [];
  if (staff && caller.roles.has('staff') && at('approve')) commands.push('review');
  if ((owner || staff || placedForHousehold(order, caller)) && at('cancel')) commands.push('cancel');
  if (canAssign && at('assign')) commands.push('assign');
  const canTake = order.status === 'pending' ? isEligibleVolunteer(caller, order) : assignee;
  if (canTake && at('accept')) commands.push('accept');
  if (assignee && at('decline')) commands.push('decline');
  if (assignee && at('start')) commands.push('start');
  if (assignee && at('complete')) commands.push('complete');
  if (owner && at('rate') && !order.rating) commands.push('rate');
  if (!owner && at('rateOnBehalf') && !order.rating && rateOnBehalfConflict(order, caller) === null) commands.push('rateOnBehalf');
  if (staff && caller.roles.has('staff') && at('score') && scoreConflict(order, caller.openid) === null) commands.push('score');
  return commands;
}
