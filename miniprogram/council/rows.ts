/**
 * One matter of 居民议事 as a row of the list and as the head of its page: its stage in words and
 * colour, its scope, its deadline and rule in words. A tap opens the matter's page, where its
 * actions are (shown from the matter's `allowed` alone).
 */
import type { CouncilMatterView } from '../../core/contract';
import type { CouncilStage, VotingRule } from '../../core/model';
import { formatTime } from '../utils/format';

export const STAGE_TEXT: Record<CouncilStage, string> = {
  proposed: '待受理',
  open: '议事中',
  closed: '已结束投票',
  published: '结果已公开',
  declined: '不予受理',
};

export const STAGE_TAG: Record<CouncilStage, string> = {
  proposed: 'warning',
  open: 'primary',
  closed: 'default',
  published: 'success',
  declined: 'default',
};

export const RULE_TEXT: Record<VotingRule, string> = {
  household: '按户投票：一户一票，家里任何一位成员都可以投或改',
  resident: '按人投票：每位登记居民一票',
};

export interface MatterRow extends CouncilMatterView {
  stageText: string;
  stageTag: string;
  /** 截止 2027-04-10 00:00, or what happened instead. */
  deadlineText: string;
  createdText: string;
}

export const toMatterRow = (matter: CouncilMatterView): MatterRow => ({
  ...matter,
  stageText: matter.votingEnded ? '投票已截止' : STAGE_TEXT[matter.stage],
  stageTag: STAGE_TAG[matter.stage],
  deadlineText: matter.deadline ? formatTime(matter.deadline) : '',
  createdText: formatTime(matter.createdAt),
});

export const matterUrl = (matterId: string): string => `/council/detail/index?matterId=${encodeURIComponent(matterId)}`;

export const PROPOSE_URL = '/council/propose/index';

export const PAGE_SIZE = 20;
