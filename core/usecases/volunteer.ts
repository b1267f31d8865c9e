/**
 * The `volunteer` function: applying to serve, staff review, the staff's list, and a volunteer
 * pausing or resuming new work. The rules follow 《中国注册志愿者管理办法》 (14 and over; under 18
 * with a guardian's consent) and 志愿服务条例 Art. 20: a volunteer's phone and age are shown only to
 * themselves and to staff of their community, which is exactly who can get a VolunteerView.
 */
import type { VolunteerView } from '../contract';
import { DomainError, found } from '../errors';
import type { Handlers } from '../handlers';
import { REVIEW_STATUS_TEXT } from '../labels';
import { COLLECTIONS, type Volunteer, type VolunteerStatus } from '../model';
import type { Deps, Update, Where } from '../ports';
import { maskIdNumber } from '../id-number';
import { iso, localDay } from '../time';
import { keysetPage, type OrderBy } from './shared/paging';
import { loadCommunity } from './shared/store';

export const MIN_VOLUNTEER_AGE = 14;
export const ADULT_AGE = 18;
const OLDEST_PLAUSIBLE_AGE = 120;



/** Full years between a birth date and a day, both YYYY-MM-DD (a 29 February birthday turns on 1 March). */
export function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Why this birth date cannot apply, or null when it can. */
export function ageRefusal(birthDate: string, today: string, guardianConsent: boolean): string | null {
  if (birthDate > today) return '出生日期不能晚于今天';
  const age = ageOn(birthDate, today);
  if (age > OLDEST_PLAUSIBLE_AGE) return '请核对出生日期';
  if (age < MIN_VOLUNTEER_AGE) return `未满 ${MIN_VOLUNTEER_AGE} 周岁暂不能注册为志愿者，欢迎在家长陪同下参加社区活动`;
  if (age < ADULT_AGE && !guardianConsent) return `未满 ${ADULT_AGE} 周岁申请成为志愿者需征得监护人同意，请由监护人确认后勾选“监护人已同意”`;
  return null;
}

export function toVolunteerView(volunteer: Volunteer, today: string): VolunteerView {
  const { ratingSum, ratingCount } = volunteer.stats;
  return {
    openid: volunteer._id,
    realName: volunteer.realName,
    ...(volunteer.gender ? { gender: volunteer.gender } : {}),
    ...(volunteer.idNumber ? { idNumberMasked: maskIdNumber(volunteer.idNumber) } : {}),
    phone: volunteer.phone,
    ...(volunteer.phoneVerifiedAt ? {} : { phoneUnverified: true as const }),
    skills: volunteer.skills,
    availability: volunteer.availability,
    available: volunteer.available,
    partyMember: volunteer.partyMember,
    partyOrganisation: volunteer.partyOrganisation,
    gridId: volunteer.gridId,
    status: volunteer.status,
    reviewNote: volunteer.reviewNote,
    appliedAt: iso(volunteer.appliedAt),
    // The age, not the birth date: staff need to know whether someone is a minor, not their birthday.
    age: ageOn(volunteer.birthDate, today),
    stats: {
      activeOrders: volunteer.stats.activeOrders,
      completedOrders: volunteer.stats.completedOrders,
      averageStars: ratingCount > 0 ? Math.round((ratingSum / ratingCount) * 10) / 10 : null,
    },
  };
}

/** Newest application first; applications of one instant are split by openid. */
const NEWEST_APPLICATION_FIRST: OrderBy = [
  ['appliedAt', 'desc'],
  ['_id', 'desc'],
];

const volunteers = (deps: Deps) => deps.store.collection<Volunteer>(COLLECTIONS.volunteers);

async function reread(deps: Deps, openid: string): Promise<Volunteer> {
  return found(await volunteers(deps).get(openid), '没有找到该志愿者');
}

export const volunteerHandlers: Handlers<'volunteer'> = {
  'volunteer.apply': async (input, { caller, deps }) => {
    const user = found(caller.user);
    // Staff call a volunteer on this number: it must be one WeChat vouched for, not a typed one.
    if (!user.phoneVerifiedAt) throw new DomainError('INVALID_INPUT', '请先在“我的”页面点击“验证手机号”，再申请成为志愿者');
    const now = deps.clock.now();
    const today = localDay(now);
    const refusal = ageRefusal(input.birthDate, today, input.guardianConsent === true);
    if (refusal) throw new DomainError('INVALID_INPUT', refusal);

    const community = await loadCommunity(deps, user.communityId, caller);
    const grid = community.grids.find((candidate) => candidate.id === input.gridId);
    if (!grid) throw new DomainError('INVALID_INPUT', '所选网格不属于您所在的社区');
    if (input.building && !grid.buildings.includes(input.building)) throw new DomainError('INVALID_INPUT', `${grid.name}没有${input.building}`);

    const previous = caller.volunteer;
    if (previous?.status === 'pending') throw new DomainError('CONFLICT', '您的志愿者申请正在审核中，请耐心等待');
    if (previous?.status === 'approved') throw new DomainError('CONFLICT', '您已经是志愿者了');

    const fields = {
      communityId: user.communityId,
      realName: input.realName,
      phone: user.phone,
      phoneVerifiedAt: user.phoneVerifiedAt,
      birthDate: input.birthDate,
      guardianConsent: input.guardianConsent === true,
      skills: [...new Set(input.skills)],
      availability: input.availability,
      available: true,
      partyMember: input.partyMember,
      gridId: grid.id,
      consentAt: now,
      status: 'pending' as const,
      appliedAt: now,
    };
    // The party organisation only means something for a party member (双报到).
    const partyOrganisation = input.partyMember && input.partyOrganisation ? input.partyOrganisation : undefined;
    const optional = {
      ...(partyOrganisation ? { partyOrganisation } : {}),
      ...(input.building ? { building: input.building } : {}),
      ...(input.gender ? { gender: input.gender } : {}),
      ...(input.idNumber ? { idNumber: input.idNumber } : {}),
    };

    if (previous) {
      // Re-applying after a rejection: the same record goes back to pending with the new details,
      // and the old review no longer applies. The condition stops a double submission.
      const cleared = ['reviewNote', 'reviewedBy', 'reviewedAt', ...(partyOrganisation ? [] : ['partyOrganisation']), ...(input.building ? [] : ['building'])];
      // A field left empty this time is withdrawn, not kept from the rejected application.
      if (!input.gender) cleared.push('gender');
      if (!input.idNumber) cleared.push('idNumber');
      const update: Update = { set: { ...fields, ...optional }, unset: cleared };
      const changed = await volunteers(deps).update({ _id: caller.openid, status: 'rejected' }, update);
      if (changed === 0) throw new DomainError('CONFLICT', '您的志愿者申请正在审核中，请耐心等待');
      return toVolunteerView(await reread(deps, caller.openid), today);
    }
    const volunteer: Volunteer = {
      _id: caller.openid,
      ...fields,
      ...optional,
      stats: { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0 },
    };
    // The openid is the _id: of two submissions at once, the second finds it taken.
    if (!(await volunteers(deps).add(volunteer))) throw new DomainError('CONFLICT', '您的志愿者申请正在审核中，请耐心等待');
    return toVolunteerView(volunteer, today);
  },

  'volunteer.review': async (input, { caller, deps }) => {
    if (input.openid === caller.openid) throw new DomainError('FORBIDDEN', '不能审核自己的志愿者申请');
    const target = await volunteers(deps).get(input.openid);
    // Another community's applicant is not this staff member's business, nor is whether one exists.
    if (!target || target.communityId !== caller.communityId) throw new DomainError('NOT_FOUND', '没有找到该志愿者申请');
    const alreadyReviewed = (status: VolunteerStatus) => new DomainError('CONFLICT', `该申请已审核（${REVIEW_STATUS_TEXT[status]}），无需重复审核`);
    if (target.status !== 'pending') throw alreadyReviewed(target.status);

    const now = deps.clock.now();
    const update: Update = {
      set: {
        status: input.decision === 'approve' ? 'approved' : 'rejected',
        reviewedBy: caller.openid,
        reviewedAt: now,
        ...(input.note ? { reviewNote: input.note } : {}),
      },
      ...(input.note ? {} : { unset: ['reviewNote'] }),
    };
    // Only a pending application changes: of two staff reviewing at once, one decides.
    const changed = await volunteers(deps).update({ _id: target._id, communityId: target.communityId, status: 'pending' }, update);
    if (changed === 0) {
      const current = await volunteers(deps).get(target._id);
      if (!current || current.communityId !== target.communityId) throw new DomainError('NOT_FOUND', '没有找到该志愿者申请');
      throw alreadyReviewed(current.status);
    }
    return toVolunteerView(await reread(deps, target._id), localDay(now));
  },

  'volunteer.list': async (input, { caller, deps }) => {
    const communityId = found(caller.communityId, '请先登记');
    const where: Where = { communityId, ...(input.status ? { status: input.status } : {}) };
    const today = localDay(deps.clock.now());
    return keysetPage(volunteers(deps), where, NEWEST_APPLICATION_FIRST, input, (volunteer) => toVolunteerView(volunteer, today), {
      invalidCursor: '分页参数无效，请刷新列表',
    });
  },

  'volunteer.setAvailable': async (input, { caller, deps }) => {
    // Pausing stops new assignments and the hall; orders already accepted stay the volunteer's.
    await volunteers(deps).update({ _id: caller.openid, status: 'approved' }, { set: { available: input.available } });
    // Re-read rather than trust the update count: setting the value it already has changes nothing.
    const after = await reread(deps, caller.openid);
    if (after.status !== 'approved' || after.available !== input.available) throw new DomainError('CONFLICT', '志愿者状态已变化，请刷新后重试');
    return toVolunteerView(after, localDay(deps.clock.now()));
  },
};
