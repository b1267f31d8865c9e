/**
 * Who should serve this order? A pure ranking of the community's volunteers for 派单: staff see the
 * candidates best placed first, each with the reasons in plain Chinese, and decide themselves.
 *
 * Skill match is a requirement, not a score (志愿服务条例 Art. 15: tasks must suit the volunteer's
 * skills). Among those who can serve, points go to being close (same building, then same grid), to
 * being free (fewer orders in hand), to good ratings, to having served less so far (fairness: the
 * same few people should not get every order), and a little to party members who registered with
 * the community (双报到). Everything comes from the volunteer documents' counters, so ranking 10 000
 * volunteers needs no database read per candidate.
 */
import type { Candidate } from './contract';
import type { Volunteer } from './model';
import { type OrderFacts, serveConflict, volunteerCanServe } from './order-machine';

/** The most each consideration can add; the total is at most 100 (rating can also take away). */
export const WEIGHTS = {
  sameBuilding: 30,
  sameGrid: 20,
  /** Halves with each order in hand: 25, 12.5, 8.3, 6.3 … */
  load: 25,
  /** Per star above or below 3: a 5-star average adds 10, a 1-star average takes 10. */
  ratingPerStar: 5,
  /** Shrinks as the volunteer serves more: 15 for a newcomer, 7.5 after 5 orders, 3.75 after 15. */
  fairness: 15,
  partyMember: 3,
} as const;

export type RankableOrder = Pick<OrderFacts, 'communityId' | 'residentOpenid' | 'skills' | 'address' | 'declines' | 'createdBy' | 'events'>;

const CONFLICT_REASONS = { resident: '是下单居民本人', declined: '已婉拒过此订单', official: '参与了此订单的受理（代下单、审核或派单）' } as const;

/** Why a volunteer is not a candidate for this order at all, or null when they are. */
export function exclusion(order: RankableOrder, volunteer: Volunteer): string | null {
  const conflict = serveConflict(order, volunteer._id);
  if (conflict) return CONFLICT_REASONS[conflict];
  if (!volunteerCanServe(volunteer, order)) return '不具备条件（未通过审核、暂停接单、非本社区或技能不符）';
  return null;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export function averageStars(stats: Volunteer['stats']): number | null {
  return stats.ratingCount > 0 ? round1(stats.ratingSum / stats.ratingCount) : null;
}

/** The score and reasons of one volunteer who can serve the order. */
export function scoreCandidate(order: RankableOrder, volunteer: Volunteer): Candidate {
  const { stats } = volunteer;
  const reasons: string[] = [order.skills.length > 0 ? `技能匹配：${order.skills.join('、')}` : '无特殊技能要求'];
  let score = 0;

  const sameGrid = volunteer.gridId === order.address.gridId;
  if (sameGrid && volunteer.building !== undefined && volunteer.building === order.address.building) {
    score += WEIGHTS.sameBuilding;
    reasons.push('同楼栋');
  } else if (sameGrid) {
    score += WEIGHTS.sameGrid;
    reasons.push('同网格');
  } else {
    reasons.push('其他网格');
  }

  const active = Math.max(0, stats.activeOrders);
  score += WEIGHTS.load / (1 + active);
  reasons.push(`当前 ${active} 单`);

  const stars = averageStars(stats);
  if (stars === null) {
    reasons.push('暂无评价');
  } else {
    score += (stars - 3) * WEIGHTS.ratingPerStar;
    reasons.push(`平均 ${stars.toFixed(1)} 星（${stats.ratingCount} 次评价）`);
  }

  const completed = Math.max(0, stats.completedOrders);
  score += WEIGHTS.fairness / (1 + completed / 5);
  reasons.push(completed === 0 ? '尚未服务过，优先安排' : `已服务 ${completed} 次`);

  if (volunteer.partyMember) {
    score += WEIGHTS.partyMember;
    reasons.push('党员（双报到）');
  }

  return {
    openid: volunteer._id,
    name: volunteer.realName,
    score: round1(score),
    reasons,
    activeOrders: active,
    completedOrders: completed,
    averageStars: stars,
    partyMember: volunteer.partyMember,
  };
}

/** Higher score first; on a tie the less busy, then the less served, then a stable order by openid. */
function compare(a: Candidate, b: Candidate): number {
  return b.score - a.score || a.activeOrders - b.activeOrders || a.completedOrders - b.completedOrders || (a.openid < b.openid ? -1 : a.openid > b.openid ? 1 : 0);
}

/**
 * The best `limit` candidates among `volunteers`, best first. Linear in the number of volunteers
 * plus a sort of those who qualify.
 */
export function rankCandidates(order: RankableOrder, volunteers: readonly Volunteer[], limit = 10): Candidate[] {
  const candidates: Candidate[] = [];
  for (const volunteer of volunteers) {
    if (exclusion(order, volunteer) === null) candidates.push(scoreCandidate(order, volunteer));
  }
  candidates.sort(compare);
  return candidates.slice(0, Math.max(0, limit));
}
