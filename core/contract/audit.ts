/** Actions that look over the books: what the daily reconciliation found (core/usecases/reconcile.ts). */
import { z } from 'zod';
import type { Discrepancy } from '../model';
import { action, type Iso } from './define';

/** One finding; `name` is the person's name or the goods' name, when it could be found. */
export interface DiscrepancyView {
  kind: Discrepancy['kind'];
  /** The account's or volunteer's openid, or the goods' id. */
  subject: string;
  name?: string;
  field: string;
  stored: number;
  expected: number;
  /** `reported`: nothing was changed (money and stock are for staff to decide); `counter_reset`: a ranking counter was set to its recount. */
  action: Discrepancy['action'];
}

export interface ReconciliationView {
  /** YYYY-MM-DD, Beijing time. */
  day: string;
  ranAt: Iso;
  accounts: number;
  ledgerEntries: number;
  goods: number;
  volunteers: number;
  /** How many were found; `discrepancies` lists at most the first 200 (money first). */
  discrepancyCount: number;
  discrepancies: DiscrepancyView[];
}

export const auditActions = {
  /** The newest daily reconciliation of the staff member's community; null before its first run. */
  'points.reconciliation': action<{ latest: ReconciliationView | null }>()({
    roles: ['staff'],
    input: z.object({}),
  }),
} as const;
