/** 居民议事's pure rules (core/council.ts): scopes, the deadline of a Beijing day, what a caller may do. */
import { describe, expect, it } from 'vitest';
import {
  addressScopeKeys,
  councilCommands,
  councilDeadline,
  MAX_COUNCIL_DAYS,
  MAX_COMMENTS_PER_MATTER,
  maySee,
  placeInScope,
  proposalScopes,
  scopeKeyOf,
  scopeProblem,
  votingOpen,
} from '../../core/council';
import type { Community, CouncilMatter, Role, User } from '../../core/model';
import type { Caller } from '../../core/ports';

const community = {
  _id: 'c1',
  name: '幸福里社区',
  grids: [
    { id: 'g1', name: '第一网格', buildings: ['1栋', '2栋'] },
    { id: 'g2', name: '第二网格', buildings: ['4栋'] },
    { id: 'g3', name: '旧网格', buildings: ['9栋'], retired: true },
  ],
} as unknown as Community;

function caller(roles: Role[], address = { gridId: 'g1', building: '2栋' }, extra: Partial<User> = {}): Caller {
  const user = { _id: 'me', communityId: 'c1', name: '张三', phone: '', address, roles: roles.filter((role) => role !== 'volunteer'), ...extra } as User;
  return { openid: 'me', roles: new Set(roles), user, volunteer: null, volunteerStatus: null, communityId: 'c1', community, points: null };
}

const NOW = new Date('2027-04-08T10:00:00+08:00');

function matter(over: Partial<CouncilMatter> = {}): CouncilMatter {
  return {
    _id: 'm1',
    communityId: 'c1',
    title: '议题',
    body: '说明',
    scope: { kind: 'building', gridId: 'g1', building: '2栋' },
    scopeKey: 'building:g1:2栋',
    proposerOpenid: 'someone',
    proposerName: '李四',
    proposerRole: 'resident',
    stage: 'open',
    deadline: new Date('2027-04-10T00:00:00+08:00'),
    votingRule: 'resident',
    options: ['赞成', '反对', '弃权'],
    commentCount: 0,
    version: 1,
    events: [],
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
}

describe('scopes', () => {
  it('keys an address’s building, grid and the community the way matters are keyed', () => {
    const keys = addressScopeKeys({ gridId: 'g1', building: '2栋' });
    expect(keys).toContain(scopeKeyOf({ kind: 'building', gridId: 'g1', building: '2栋' }));
    expect(keys).toContain(scopeKeyOf({ kind: 'grid', gridId: 'g1' }));
    expect(keys).toContain(scopeKeyOf({ kind: 'community' }));
    expect(keys).not.toContain(scopeKeyOf({ kind: 'building', gridId: 'g1', building: '1栋' }));
  });

  it('places a home in a building only with its grid, and refuses scopes the community does not have', () => {
    expect(placeInScope({ kind: 'building', gridId: 'g1', building: '2栋' }, { gridId: 'g1', building: '2栋' })).toBe(true);
    expect(placeInScope({ kind: 'building', gridId: 'g1', building: '2栋' }, { gridId: 'g2', building: '2栋' })).toBe(false);
    expect(placeInScope({ kind: 'grid', gridId: 'g2' }, { gridId: 'g1', building: '2栋' })).toBe(false);
    expect(scopeProblem({ kind: 'grid', gridId: 'g3' }, community)).toBe('本社区没有这个网格');
    expect(scopeProblem({ kind: 'building', gridId: 'g2', building: '1栋' }, community)).toBe('1栋不属于第二网格');
  });

  it('offers each caller the scopes council.propose accepts from them', () => {
    const labels = (who: Caller) => proposalScopes(who, community).map((scope) => scope.label);
    expect(labels(caller(['resident']))).toEqual(['第一网格 2栋', '第一网格', '全社区']);
    expect(labels(caller(['grid_worker'], undefined, { gridIds: ['g2', 'g3'] }))).toEqual(['第二网格', '第二网格 4栋']);
    expect(labels(caller(['staff']))).toEqual(['第一网格', '第一网格 1栋', '第一网格 2栋', '第二网格', '第二网格 4栋', '全社区']);
    expect(labels(caller(['department']))).toEqual([]);
  });
});

describe('councilDeadline', () => {
  it('ends voting at the end of the chosen Beijing day, from tomorrow to MAX_COUNCIL_DAYS ahead', () => {
    expect(councilDeadline('2027-04-09', NOW)).toEqual({ at: new Date('2027-04-10T00:00:00+08:00') });
    expect(councilDeadline('2027-04-08', NOW)).toEqual({ problem: '截止日期最早是明天' });
    expect(councilDeadline('2027-05-08', NOW)).toHaveProperty('at');
    expect(councilDeadline('2027-05-09', NOW)).toEqual({ problem: `截止日期最晚是 ${MAX_COUNCIL_DAYS} 天后` });
    // 23:30 in Beijing is still the 8th there (15:30 UTC): tomorrow is the 9th.
    expect(councilDeadline('2027-04-09', new Date('2027-04-08T23:30:00+08:00'))).toHaveProperty('at');
    // 00:30 on the 9th in Beijing (the 8th in UTC): the 9th is today.
    expect(councilDeadline('2027-04-09', new Date('2027-04-09T00:30:00+08:00'))).toEqual({ problem: '截止日期最早是明天' });
  });

  it('takes votes until the moment, not at it', () => {
    const open = matter();
    expect(votingOpen(open, new Date('2027-04-09T23:59:59+08:00'))).toBe(true);
    expect(votingOpen(open, new Date('2027-04-10T00:00:00+08:00'))).toBe(false);
    expect(votingOpen(matter({ stage: 'closed' }), NOW)).toBe(false);
  });
});

describe('who sees and does what', () => {
  it('a proposal is its proposer’s and staff’s until opened; an open matter is its scope’s', () => {
    const neighbour = caller(['resident']);
    expect(maySee(neighbour, matter({ stage: 'proposed' }))).toBe(false);
    expect(maySee(neighbour, matter({ stage: 'proposed', proposerOpenid: 'me' }))).toBe(true);
    expect(maySee(caller(['staff'], { gridId: 'g2', building: '4栋' }), matter({ stage: 'proposed' }))).toBe(true);
    expect(maySee(neighbour, matter())).toBe(true);
    expect(maySee(caller(['resident'], { gridId: 'g1', building: '1栋' }), matter())).toBe(false);
    expect(maySee(caller(['grid_worker'], { gridId: 'g2', building: '4栋' }, { gridIds: ['g1'] }), matter())).toBe(true);
    expect(maySee(caller(['staff'], undefined, { communityId: 'c2' }), matter())).toBe(false);
    // Someone of a department living (or working) in 2栋 is no resident of it.
    expect(maySee(caller(['department']), matter())).toBe(false);
  });

  it('allowed follows stage, deadline, role and scope', () => {
    const resident = caller(['resident']);
    const staff = caller(['staff']);
    expect(councilCommands(resident, matter(), NOW)).toEqual(['comment', 'vote']);
    expect(councilCommands(staff, matter(), NOW)).toEqual(['comment', 'close', 'hideComment']);
    expect(councilCommands(staff, matter({ stage: 'proposed' }), NOW)).toEqual(['open', 'decline']);
    expect(councilCommands(staff, matter({ stage: 'closed' }), NOW)).toEqual(['publish', 'hideComment']);
    expect(councilCommands(resident, matter(), new Date('2027-04-10T00:00:00+08:00'))).toEqual([]);
    expect(councilCommands(resident, matter({ commentCount: MAX_COMMENTS_PER_MATTER }), NOW)).toEqual(['vote']);
    // Staff who live there vote as residents, once: the vote's key is theirs, not their role's.
    expect(councilCommands(caller(['staff', 'resident']), matter(), NOW)).toEqual(['comment', 'vote', 'close', 'hideComment']);
  });
});
