/**
 * 居民议事 without a database in sight: the limits, who is in a matter's scope, the deadline of a
 * Beijing day, what a caller may do on a matter now (`allowed`), and the tally from vote counts.
 */
import dayjs from 'dayjs';
import type { CouncilCommand } from './contract';
import type { Address, Community, CouncilLinkKind, CouncilMatter, CouncilScope, CouncilScopeRef, CouncilStage, VotingRule } from './model';
import type { Caller } from './ports';
import { localDay, ZONE } from './time';

export const COUNCIL_SCOPES = ['building', 'grid', 'community'] as const satisfies readonly CouncilScope[];
export const VOTING_RULES = ['household', 'resident'] as const satisfies readonly VotingRule[];
export const COUNCIL_STAGES = ['proposed', 'open', 'closed', 'published', 'declined'] as const satisfies readonly CouncilStage[];
export const COUNCIL_LINK_KINDS = ['affair', 'activity', 'order'] as const satisfies readonly CouncilLinkKind[];
/** The stages people in scope see (a proposed or declined matter: its proposer and staff only). */
export const PUBLIC_STAGES = ['open', 'closed', 'published'] as const satisfies readonly CouncilStage[];

export const DEFAULT_COUNCIL_OPTIONS = ['赞成', '反对', '弃权'] as const;
export const MAX_COUNCIL_OPTIONS = 5;
export const MAX_COUNCIL_OPTION_CHARS = 10;
/** Voting lasts until the end of a Beijing day from tomorrow to this many days ahead. */
export const MAX_COUNCIL_DAYS = 30;
/** Matters one person may raise per Beijing day. */
export const MAX_PROPOSALS_PER_DAY = 3;
/** A resident's matters waiting for staff (stage proposed) at once. */
export const MAX_PENDING_PROPOSALS = 3;
/** Comments one person may write on one matter, and all comments of a matter (hidden ones count). */
export const MAX_COMMENTS_PER_PERSON = 5;
export const MAX_COMMENTS_PER_MATTER = 300;

/** The scope as one key, for a list that asks for a resident's keys in one query. */
export function scopeKeyOf(scope: CouncilScopeRef): string {
  if (scope.kind === 'community') return 'community';
  if (scope.kind === 'grid') return `grid:${scope.gridId}`;
  return `building:${scope.gridId}:${scope.building}`;
}

/** The keys of the matters an address is in scope of: its building, its grid, the community. */
export const addressScopeKeys = (address: Pick<Address, 'gridId' | 'building'>): string[] => [
  'community',
  `grid:${address.gridId}`,
  `building:${address.gridId}:${address.building}`,
];

/** A grid worker's keys: their grids and every building of them. */
export function gridScopeKeys(community: Community, gridIds: readonly string[]): string[] {
  return community.grids
    .filter((grid) => gridIds.includes(grid.id))
    .flatMap((grid) => [`grid:${grid.id}`, ...grid.buildings.map((building) => `building:${grid.id}:${building}`)]);
}

/** Whether a place (an address, a household) lies in the scope. */
export function placeInScope(scope: CouncilScopeRef, place: { gridId: string; building: string }): boolean {
  if (scope.kind === 'community') return true;
  if (scope.kind === 'grid') return place.gridId === scope.gridId;
  return place.gridId === scope.gridId && place.building === scope.building;
}

/** Whether a grid worker looks after the scope (a grid of theirs, or a building of one). */
export const gridWorkerCovers = (scope: CouncilScopeRef, gridIds: readonly string[]): boolean => scope.kind !== 'community' && gridIds.includes(scope.gridId!);

/** The scope in words: 全社区, 第一网格, 第一网格 2栋. */
export function scopeLabel(scope: CouncilScopeRef, community: Community): string {
  if (scope.kind === 'community') return '全社区';
  const grid = community.grids.find((item) => item.id === scope.gridId)?.name ?? '已删除的网格';
  return scope.kind === 'grid' ? grid : `${grid} ${scope.building}`;
}

/** Why a scope does not exist in the community (a retired grid, a building not of the grid), or null. */
export function scopeProblem(scope: CouncilScopeRef, community: Community): string | null {
  if (scope.kind === 'community') return null;
  const grid = community.grids.find((item) => item.id === scope.gridId);
  if (!grid || grid.retired) return '本社区没有这个网格';
  if (scope.kind === 'building' && !grid.buildings.includes(scope.building!)) return `${scope.building}不属于${grid.name}`;
  return null;
}

const dayNumber = (day: string): number => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;

/**
 * The moment voting ends for a deadline day: the end of that Beijing day (the next day's 00:00).
 * Refused unless the day is from tomorrow to MAX_COUNCIL_DAYS days ahead.
 */
export function councilDeadline(day: string, now: Date): { at: Date } | { problem: string } {
  const ahead = dayNumber(day) - dayNumber(localDay(now));
  if (ahead < 1) return { problem: '截止日期最早是明天' };
  if (ahead > MAX_COUNCIL_DAYS) return { problem: `截止日期最晚是 ${MAX_COUNCIL_DAYS} 天后` };
  return { at: dayjs.tz(`${day} 00:00`, ZONE).add(1, 'day').toDate() };
}

/** Open and before the deadline: votes are taken. */
export const votingOpen = (matter: Pick<CouncilMatter, 'stage' | 'deadline'>, now: Date): boolean =>
  matter.stage === 'open' && matter.deadline !== undefined && now.getTime() < new Date(matter.deadline).getTime();

/**
 * Whether the caller is in the matter's scope as someone who takes part (comments; the vote has
 * its own checks by rule): staff of the community, a grid worker of its grid (a community matter:
 * any grid worker of the community), a resident whose address lies in it.
 */
export function takesPart(caller: Caller, matter: Pick<CouncilMatter, 'communityId' | 'scope'>): boolean {
  const user = caller.user;
  if (!user || user.communityId !== matter.communityId) return false;
  if (caller.roles.has('staff')) return true;
  if (caller.roles.has('grid_worker') && (matter.scope.kind === 'community' || gridWorkerCovers(matter.scope, user.gridIds ?? []))) return true;
  return caller.roles.has('resident') && placeInScope(matter.scope, user.address);
}

/** Whether the caller may read the matter: staff; its proposer; residents and grid workers of its scope once it is public. */
export function maySee(caller: Caller, matter: CouncilMatter): boolean {
  const user = caller.user;
  if (!user || user.communityId !== matter.communityId) return false;
  if (caller.roles.has('staff') || matter.proposerOpenid === caller.openid) return true;
  if (!(PUBLIC_STAGES as readonly string[]).includes(matter.stage)) return false;
  if (caller.roles.has('grid_worker') && (matter.scope.kind === 'community' || gridWorkerCovers(matter.scope, user.gridIds ?? []))) return true;
  // Residents by where they live; department people (物业, 城管 …) take no part in residents' matters.
  return caller.roles.has('resident') && placeInScope(matter.scope, user.address);
}

/**
 * What the caller may do on the matter now, by its stage, its deadline and the caller's roles and
 * scope. A vote's finer checks (a confirmed household in scope) stay with the action and show as
 * `voteBlocked`.
 */
export function councilCommands(caller: Caller, matter: CouncilMatter, now: Date): CouncilCommand[] {
  const staff = caller.roles.has('staff') && caller.user?.communityId === matter.communityId;
  const commands: CouncilCommand[] = [];
  if (matter.stage === 'proposed' && staff) commands.push('open', 'decline');
  if (matter.stage === 'open') {
    const voting = votingOpen(matter, now);
    if (voting && matter.commentCount < MAX_COMMENTS_PER_MATTER && takesPart(caller, matter)) commands.push('comment');
    if (voting && caller.roles.has('resident') && takesPartAsResident(caller, matter)) commands.push('vote');
    if (staff) commands.push('close');
  }
  if (matter.stage === 'closed' && staff) commands.push('publish');
  if (staff && matter.stage !== 'proposed' && matter.stage !== 'declined') commands.push('hideComment');
  return commands;
}

/** A resident whose address is in scope (the resident rule; the household rule checks the household). */
const takesPartAsResident = (caller: Caller, matter: CouncilMatter): boolean =>
  !!caller.user && caller.user.communityId === matter.communityId && (matter.votingRule === 'household' || placeInScope(matter.scope, caller.user.address));

/**
 * The scopes the caller may raise a matter for, as council.propose checks them: staff every grid
 * and building of the community and the community; a grid worker their grids and buildings; a
 * resident their building, their grid and the community. Retired grids are left out.
 */
export function proposalScopes(caller: Caller, community: Community): Array<CouncilScopeRef & { label: string }> {
  const user = caller.user;
  if (!user) return [];
  const grids = community.grids.filter((grid) => !grid.retired);
  const scopes: CouncilScopeRef[] = [];
  const add = (scope: CouncilScopeRef) => {
    if (!scopes.some((known) => scopeKeyOf(known) === scopeKeyOf(scope))) scopes.push(scope);
  };
  if (caller.roles.has('resident')) {
    add({ kind: 'building', gridId: user.address.gridId, building: user.address.building });
    add({ kind: 'grid', gridId: user.address.gridId });
  }
  const own = caller.roles.has('staff') ? grids : grids.filter((grid) => caller.roles.has('grid_worker') && (user.gridIds ?? []).includes(grid.id));
  for (const grid of own) {
    add({ kind: 'grid', gridId: grid.id });
    for (const building of grid.buildings) add({ kind: 'building', gridId: grid.id, building });
  }
  if (caller.roles.has('resident') || caller.roles.has('staff')) add({ kind: 'community' });
  return scopes.filter((scope) => scopeProblem(scope, community) === null).map((scope) => ({ ...scope, label: scopeLabel(scope, community) }));
}
