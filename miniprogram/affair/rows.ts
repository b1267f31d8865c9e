/**
 * One affair as a row of the affair lists (我的问题, 事务台, 部门待办): what it is, where, when, its
 * status in words and colour, who has it, its deadline and whether it is overdue. A tap opens the
 * affair's own page, where its actions are.
 */
import type { AffairView } from '../../core/contract';
import { formatTime } from '../utils/format';
import { AFFAIR_STATUS_TAG, AFFAIR_STATUS_TEXT } from '../utils/labels';

export interface AffairRow extends AffairView {
  statusText: string;
  statusTag: string;
  placeText: string;
  createdText: string;
  /** The deadline, while someone has it in hand. */
  dueText: string;
  /** Who has it now: the department, or the person assigned. */
  withText: string;
}

export const toAffairRow = (affair: AffairView): AffairRow => ({
  ...affair,
  statusText: AFFAIR_STATUS_TEXT[affair.status],
  statusTag: AFFAIR_STATUS_TAG[affair.status],
  // A confidential dispute shows neither its place nor its words to this viewer.
  placeText: affair.confidential ? '矛盾纠纷，详情保密' : [affair.building, affair.placeDetail].filter(Boolean).join(' '),
  createdText: formatTime(affair.createdAt),
  dueText: formatTime(affair.dueAt),
  withText: affair.department ? affair.department.name : affair.handler ? affair.handler.name : '',
});

export const affairUrl = (affairId: string): string => `/affair/detail/index?affairId=${encodeURIComponent(affairId)}`;

export const REPORT_URL = '/affair/report/index';

/** The lists' page size (a person's own reports are few; the desk pages on). */
export const PAGE_SIZE = 20;
