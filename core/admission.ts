/**
 * Separation of duties between admitting people and paying them. Whoever approved a volunteer does
 * not also score, check out or correct that volunteer, and whoever invited a grid worker does not
 * approve that grid worker's nominations: otherwise
 * one staff member could approve a second WeChat account of their own (or invite one) and pay it
 * alone. A colleague does it. Pure.
 */
import type { User, Volunteer } from './model';

/** Whether `openid` approved this volunteer (and so may not score, check in or out, or correct them). */
export function admittedVolunteer(volunteer: Pick<Volunteer, 'reviewedBy'> | null | undefined, openid: string): boolean {
  return volunteer?.reviewedBy !== undefined && volunteer.reviewedBy === openid;
}

/** Whether `openid` invited this member (as staff or grid worker). */
export function invitedMember(user: Pick<User, 'invitedBy'> | null | undefined, openid: string): boolean {
  return user?.invitedBy?.includes(openid) ?? false;
}
