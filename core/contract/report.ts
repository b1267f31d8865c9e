/**
 * Actions of the `report` function: the Excel ledgers staff report upward every month (社区治理月报,
 * 工单台账, 志愿服务时长台账, 积分收支台账, 兑换核销台账, 活动签到表, 库存台账, 巡查走访台账, 事务办理台账,
 * 党员双报到台账), written as .xlsx files in cloud storage, and a reconciliation on demand.
 */
import { z } from 'zod';
import { COLLECTIONS } from '../model';
import { quotaKey } from '../usecases/shared/quota';
import { action, byId } from './define';
import { calendarDate, id, month, NOT_TEXT } from './fields';
import type { ReconciliationView } from './points';

/** The daily count of a person's exports (core/usecases/shared/quota.ts). */
export const reportQuotaKey = (openid: string): string => quotaKey('report', openid);

/** The ledgers report.export writes; each is one entry of the registry in core/usecases/report. */
export const REPORT_KINDS = ['monthly', 'orders', 'volunteer_hours', 'points_ledger', 'redemptions', 'activities', 'stock', 'patrols', 'affairs', 'party_members'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** A workbook report.export stored: open it from `url` (valid for an hour) or by `fileID`. */
export interface ReportFileView {
  fileID: string;
  url: string;
  /** What to call the file when it is opened or forwarded, e.g. 邻里-工单台账-2026-11.xlsx. */
  name: string;
  /** Data rows in the sheet (the title and header rows not counted). */
  rows: number;
  /** Exports the caller has left today. */
  remainingToday: number;
}

/** What the export page offers the caller. */
export interface ReportOptionsView {
  /** The ledgers the caller may export (a grid worker: those that can be limited to grids). */
  kinds: Array<{ kind: ReportKind; title: string; byGrid: boolean; monthOnly: boolean }>;
  /** The grids an export may be limited to: a grid worker's own, or all of the community's for staff. */
  grids: Array<{ id: string; name: string }>;
  /** A grid worker's exports always hold their own grids only. */
  ownGridsOnly: boolean;
  /** The longest period one export covers, in days. */
  maxDays: number;
  remainingToday: number;
}

export const reportActions = {
  /**
   * Reconciles the staff member's community now (core/usecases/reconcile.ts) and writes a new dated
   * record, never replacing an earlier one; a few a day per community and per person.
   */
  'report.reconcile': action<{ reconciliation: ReconciliationView }>()({
    roles: ['staff'],
    // It writes (the record, the day's counts): only a request that asks for it, and nothing else, is served.
    input: z.strictObject({ confirm: z.literal('对账', { error: '请确认立即对账' }).meta(NOT_TEXT) }),
  }),
  /** Today's count of exports comes with the caller (no request of its own). */
  'report.options': action<ReportOptionsView>()({
    roles: ['staff', 'grid_worker'],
    input: z.object({}),
    reads: (_input, openid) => ({ quota: byId(COLLECTIONS.quotas, reportQuotaKey(openid)) }),
  }),
  /**
   * Writes one ledger for a Beijing calendar month (`month`) or the days `from`–`to` inclusive (at
   * most a year), stores it under the community's folder and records who exported what. Staff
   * export the whole community or one grid; a grid worker only their own grids, and only ledgers
   * that belong to a grid (orders). A period in the future, or none: INVALID_INPUT.
   */
  'report.export': action<ReportFileView>()({
    roles: ['staff', 'grid_worker'],
    input: z
      .object({
        kind: z.enum(REPORT_KINDS, { error: '请选择要导出的报表' }),
        month: month.optional(),
        // From 2000 on: nothing in the app is older, and an ancient date only makes nonsense periods.
        from: calendarDate('开始日期').refine((day) => day >= '2000-01-01', { error: '开始日期无效' }).optional(),
        to: calendarDate('结束日期').refine((day) => day >= '2000-01-01', { error: '结束日期无效' }).optional(),
        gridId: id.optional(),
      })
      .superRefine((input, context) => {
        const range = input.from !== undefined || input.to !== undefined;
        if (input.month !== undefined && range) context.addIssue({ code: 'custom', message: '请只选择月份或起止日期中的一种', path: ['month'] });
        else if (input.month === undefined && !range) context.addIssue({ code: 'custom', message: '请选择月份，或填写开始和结束日期', path: ['month'] });
        else if (range && input.from === undefined) context.addIssue({ code: 'custom', message: '请填写开始日期', path: ['from'] });
        else if (range && input.to === undefined) context.addIssue({ code: 'custom', message: '请填写结束日期', path: ['to'] });
      }),
  }),
} as const;
