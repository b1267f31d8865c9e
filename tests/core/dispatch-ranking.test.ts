/** The dispatch ranking on its own: who qualifies, in what order, with which reasons, and how fast. */
import { describe, expect, it } from 'vitest';
import { exclusion, rankCandidates, scoreCandidate, WEIGHTS } from '../../core/dispatch-ranking';
import type { Volunteer } from '../../core/model';

const order = {
  communityId: 'c1',
  residentOpenid: 'o-resident',
  skills: ['送餐'],
  address: { gridId: 'g1', building: '2栋', unit: '1单元', room: '101' },
  declines: [] as Array<{ by: string; reason: string; at: Date }>,
  createdBy: 'o-resident',
  events: [] as Array<{ by: string; from: null | 'pending_review' | 'pending'; to: 'pending' | 'assigned' }>,
};

function volunteer(id: string, patch: Partial<Volunteer> = {}, stats: Partial<Volunteer['stats']> = {}): Volunteer {
  return {
    _id: id,
    communityId: 'c1',
    realName: `志愿者${id}`,
    phone: '13800000000',
    birthDate: '1980-01-01',
    guardianConsent: false,
    skills: ['送餐'],
    availability: '周末',
    available: true,
    partyMember: false,
    gridId: 'g2',
    consentAt: new Date(0),
    status: 'approved',
    appliedAt: new Date(0),
    ...patch,
    stats: { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0, ...stats },
  };
}

describe('dispatch ranking', () => {
  it('requires the skill and leaves out whoever may not serve', () => {
    const pool = [
      volunteer('ok'),
      volunteer('no-skill', { skills: ['理发'] }),
      volunteer('paused', { available: false }),
      volunteer('pending', { status: 'pending' }),
      volunteer('elsewhere', { communityId: 'c2' }),
      volunteer('o-resident'),
      volunteer('decliner'),
    ];
    const declined = { ...order, declines: [{ by: 'decliner', reason: '没空', at: new Date(0) }] };
    expect(rankCandidates(declined, pool).map((c) => c.openid)).toEqual(['ok']);
    expect(exclusion(declined, pool[5]!)).toBe('是下单居民本人');
    expect(exclusion(declined, pool[6]!)).toBe('已婉拒过此订单');
    expect(exclusion(declined, pool[1]!)).toMatch('技能不符');
  });

  it('leaves out whoever acted on the order for the community: placed it for the resident, reviewed or assigned it', () => {
    const pool = [volunteer('ok'), volunteer('o-staff'), volunteer('o-reviewer'), volunteer('o-assigner')];
    const handled = {
      ...order,
      createdBy: 'o-staff',
      events: [
        { by: 'o-staff', from: null, to: 'pending' as const },
        { by: 'o-reviewer', from: 'pending_review' as const, to: 'pending' as const },
        { by: 'o-assigner', from: 'pending' as const, to: 'assigned' as const },
      ],
    };
    expect(rankCandidates(handled, pool).map((c) => c.openid)).toEqual(['ok']);
    expect(pool.slice(1).map((who) => exclusion(handled, who))).toEqual(Array(3).fill('参与了此订单的受理（代下单、审核或派单）'));
    // The resident's own order: ordering for yourself makes you its resident, not an official.
    expect(exclusion({ ...order, events: [{ by: 'o-resident', from: null, to: 'pending' }] }, volunteer('ok'))).toBeNull();
  });

  it('needs every skill of a multi-skill service', () => {
    const both = { ...order, skills: ['送餐', '陪诊'] };
    const pool = [volunteer('one'), volunteer('two', { skills: ['陪诊', '送餐', '理发'] })];
    expect(rankCandidates(both, pool).map((c) => c.openid)).toEqual(['two']);
    expect(rankCandidates(both, pool)[0]!.reasons[0]).toBe('技能匹配：送餐、陪诊');
  });

  it('puts the same building before the same grid before another grid, with reasons', () => {
    const ranked = rankCandidates(order, [volunteer('far'), volunteer('grid', { gridId: 'g1', building: '3栋' }), volunteer('door', { gridId: 'g1', building: '2栋' })]);
    expect(ranked.map((c) => c.openid)).toEqual(['door', 'grid', 'far']);
    expect(ranked[0]!.reasons).toContain('同楼栋');
    expect(ranked[1]!.reasons).toContain('同网格');
    expect(ranked[2]!.reasons).toContain('其他网格');
    expect(ranked[0]!.score - ranked[1]!.score).toBeCloseTo(WEIGHTS.sameBuilding - WEIGHTS.sameGrid);
  });

  it('prefers the less busy, the better rated and the less served', () => {
    const busy = rankCandidates(order, [volunteer('busy', {}, { activeOrders: 2 }), volunteer('free')]);
    expect(busy.map((c) => c.openid)).toEqual(['free', 'busy']);
    expect(busy[0]!.reasons).toContain('当前 0 单');
    expect(busy[1]!.reasons).toContain('当前 2 单');

    const rated = rankCandidates(order, [volunteer('low', {}, { ratingSum: 6, ratingCount: 3 }), volunteer('high', {}, { ratingSum: 14, ratingCount: 3 })]);
    expect(rated.map((c) => c.openid)).toEqual(['high', 'low']);
    expect(rated[0]!.averageStars).toBe(4.7);
    expect(rated[0]!.reasons).toContain('平均 4.7 星（3 次评价）');

    const fair = rankCandidates(order, [volunteer('veteran', {}, { completedOrders: 40 }), volunteer('newcomer')]);
    expect(fair.map((c) => c.openid)).toEqual(['newcomer', 'veteran']);
    expect(fair[0]!.reasons).toContain('尚未服务过，优先安排');
    expect(fair[1]!.reasons).toContain('已服务 40 次');
  });

  it('gives party members (双报到) a small plus that never outweighs proximity', () => {
    const party = rankCandidates(order, [volunteer('plain'), volunteer('member', { partyMember: true })]);
    expect(party.map((c) => c.openid)).toEqual(['member', 'plain']);
    expect(party[0]!.reasons).toContain('党员（双报到）');
    const near = rankCandidates(order, [volunteer('member', { partyMember: true }), volunteer('neighbour', { gridId: 'g1' })]);
    expect(near[0]!.openid).toBe('neighbour');
  });

  it('breaks ties stably and honours the limit', () => {
    const pool = ['c', 'a', 'b'].map((id) => volunteer(id));
    expect(rankCandidates(order, pool).map((c) => c.openid)).toEqual(['a', 'b', 'c']);
    expect(rankCandidates(order, pool, 2)).toHaveLength(2);
  });

  it('reports the numbers it ranked on', () => {
    const candidate = scoreCandidate(order, volunteer('v', { partyMember: true }, { activeOrders: 1, completedOrders: 5, ratingSum: 9, ratingCount: 2 }));
    expect(candidate).toMatchObject({ openid: 'v', name: '志愿者v', activeOrders: 1, completedOrders: 5, averageStars: 4.5, partyMember: true });
    // other grid 0 + load 25/2 + rating 1.5×5 + fairness 15/2 + party 3
    expect(candidate.score).toBeCloseTo(12.5 + 7.5 + 7.5 + 3, 5);
  });

  // How fast this is lives in `npm run bench`, not in a timed test.
  it('ranks 10 000 volunteers best first and keeps only the limit', () => {
    const pool = Array.from({ length: 10_000 }, (_, i) =>
      volunteer(`v${i}`, { gridId: i % 2 ? 'g1' : 'g2', building: `${i % 6}栋`, partyMember: i % 5 === 0, skills: i % 3 ? ['送餐', '陪诊'] : ['理发'] }, {
        activeOrders: i % 4,
        completedOrders: i % 50,
        ratingSum: (i % 5) * 3,
        ratingCount: i % 5 ? 3 : 0,
      }),
    );
    const ranked = rankCandidates(order, pool, 10);
    expect(ranked).toHaveLength(10);
    expect(ranked.every((c, i) => i === 0 || ranked[i - 1]!.score >= c.score)).toBe(true);
    const best = Math.max(...pool.filter((v) => v.skills.includes('送餐')).map((v) => scoreCandidate(order, v).score));
    expect(ranked[0]!.score).toBe(best);
  });
});
