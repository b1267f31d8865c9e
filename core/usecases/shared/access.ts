/** Whose community a caller acts for, and whether they are its staff. */
import { DomainError } from '../../errors';
import type { Caller } from '../../ports';

/** The community a registered caller belongs to (the router has checked they are registered). */
export function memberCommunity(caller: Caller): string {
  if (!caller.user) throw new DomainError('UNAUTHENTICATED');
  return caller.user.communityId;
}

/** Staff act for their own community only. */
export const isStaffOf = (caller: Caller, communityId: string): boolean =>
  caller.roles.has('staff') && caller.user?.communityId === communityId;

/** An administrator manages every community; staff only their own. */
export const managesCommunity = (caller: Caller, communityId: string): boolean => caller.roles.has('admin') || isStaffOf(caller, communityId);

export function staffCommunity(caller: Caller): string {
  const communityId = memberCommunity(caller);
  if (!isStaffOf(caller, communityId)) throw new DomainError('FORBIDDEN', '只有社区工作人员可以进行此操作');
  return communityId;
}
