/**
 * The order state machine: which command moves an order from which statuses to which, and who may
 * issue it. Writes use `from` as the condition of a conditional update, so two people acting at
 * once cannot both succeed.
 */
import type { OrderCommand } from './contract';
import type { Order, OrderStatus, Volunteer } from './model';
import type { Caller } from './ports';

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
  score: { from: ['completed'], to: 'closed' },
  /** The timer: an assignment nobody accepted in time goes back to the queue. */
  requeue: { from: ['assigned'], to: 'pending' },
};

/**
 * Staff manage every order of their community; a grid worker only those in the grids they look
 * after (none when no grid is named: least privilege, as they see residents' phones).
 */
export function managesOrder(caller: Caller, order: Pick<Order, 'communityId' | 'address'>): boolean {
  if (caller.communityId !== order.communityId) return false;
  if (caller.roles.has('staff')) return true;
  return caller.roles.has('grid_worker') && (caller.user?.gridIds ?? []).includes(order.address.gridId);
}

/** Skills the volunteer lacks for the order (empty: eligible). */
export function missingSkills(order: Pick<Order, 'skills'>, skills: readonly string[]): string[] {
  return order.skills.filter((skill) => !skills.includes(skill));
}

/** Whether this volunteer may serve this order: approved, available, of its community, with its skills, not its resident. */
export function volunteerCanServe(volunteer: Volunteer, order: Pick<Order, 'communityId' | 'residentOpenid' | 'skills'>): boolean {
  return (
    volunteer.status === 'approved' &&
    volunteer.available &&
    volunteer.communityId === order.communityId &&
    order.residentOpenid !== volunteer._id &&
    missingSkills(order, volunteer.skills).length === 0
  );
}

export function isEligibleVolunteer(caller: Caller, order: Order): boolean {
  const volunteer = caller.volunteer;
  return volunteer !== null && volunteer._id === caller.openid && order.residentOpenid !== caller.openid && volunteerCanServe(volunteer, order);
}

/** The commands this caller may issue on this order now. */
export function allowedCommands(order: Order, caller: Caller): OrderCommand[] {
  const at = (command: keyof typeof TRANSITIONS) => TRANSITIONS[command].from.includes(order.status);
  const owner = order.residentOpenid === caller.openid;
  const staff = managesOrder(caller, order);
  const assignee = order.assignee === caller.openid && caller.roles.has('volunteer');
  const commands: OrderCommand[] = [];
  if (staff && caller.roles.has('staff') && at('approve')) commands.push('review');
  if ((owner || staff) && at('cancel')) commands.push('cancel');
  if (staff && at('assign')) commands.push('assign');
  const canTake = order.status === 'pending' ? isEligibleVolunteer(caller, order) : assignee;
  if (canTake && at('accept')) commands.push('accept');
  if (assignee && at('decline')) commands.push('decline');
  if (assignee && at('start')) commands.push('start');
  if (assignee && at('complete')) commands.push('complete');
  if (owner && at('rate') && !order.rating) commands.push('rate');
  if (staff && caller.roles.has('staff') && at('score')) commands.push('score');
  return commands;
}
