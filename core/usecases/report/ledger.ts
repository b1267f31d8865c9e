/**
 * What a kind of export is: its title, its columns (header, width, type) each with how a row fills
 * it, where its rows come from (an async stream over keyset pages), and whether its rows belong to
 * a grid. Adding a kind is one entry of this shape in registry.ts.
 */
import { maskIdNumber, maskPhone } from '../../id-number';
import type { Community, User } from '../../model';
import type { Deps, SheetCell, SheetColumn } from '../../ports';
import { DELETED_NAME } from '../shared/deleted';
import type { ReportPeriod } from './period';

export interface ReportContext {
  deps: Deps;
  community: Community;
  period: ReportPeriod;
  /** The grids rows are limited to; null: the whole community. Only a kind `byGrid` gets any. */
  gridIds: readonly string[] | null;
}

/** What the report function needs of a kind: the sheet's columns and its rows as cells. */
export interface ReportKindSpec {
  /** The ledger's name: in the title row, on the tab and in the file name (e.g. 工单台账). */
  title: string;
  /**
   * Whether each row belongs to a grid (an order's address): staff may limit it to one grid and a
   * grid worker gets their own grids' rows. Otherwise only staff may export it, whole.
   */
  byGrid: boolean;
  columns: readonly SheetColumn[];
  rows(context: ReportContext): AsyncIterable<readonly SheetCell[]>;
  /** Sheets after the first (the monthly report's grids, the stock's moves), each titled like the first. */
  moreSheets?: ReadonlyArray<{ name: string; columns: readonly SheetColumn[]; rows(context: ReportContext): AsyncIterable<readonly SheetCell[]> }>;
  /**
   * The period may be only a calendar month (the monthly report compares it with the month before,
   * and cites that month's closing reconciliation).
   */
  monthOnly?: boolean;
}

export interface LedgerColumn<R> extends SheetColumn {
  cell(row: R, context: ReportContext): SheetCell | undefined;
}

export interface LedgerDefinition<R> {
  title: string;
  byGrid: boolean;
  columns: ReadonlyArray<LedgerColumn<R>>;
  /** The period's rows, in the sheet's order, read page by page. */
  source(context: ReportContext): AsyncIterable<R>;
}

/** A kind whose rows are documents (or documents with what they joined), one row each. */
export function ledger<R>(definition: LedgerDefinition<R>): ReportKindSpec {
  return {
    title: definition.title,
    byGrid: definition.byGrid,
    columns: definition.columns.map(({ header, width, type }) => ({ header, width, type })),
    async *rows(context) {
      for await (const row of definition.source(context)) yield definition.columns.map((column) => column.cell(row, context) ?? null);
    },
  };
}

/** Whether a document was created after the period (reads go from its start, in time order, and stop there). */
export const createdAfter =
  (period: ReportPeriod) =>
  (doc: { createdAt: Date | string }): boolean =>
    new Date(doc.createdAt).getTime() >= period.end.getTime();

/**
 * Documents per read when each brings what it joins (a profile or two, at most some 2 KB a row as
 * read): a page stays under the database's 1 MB a read.
 */
export const PAGE_SIZE = 400;

// ---- what the cells say --------------------------------------------------------------------------

/** A grid by name (a retired one too), or its id when it is gone. */
export const gridName = (community: Community, gridId: string | undefined): string | null =>
  gridId ? (community.grids.find((grid) => grid.id === gridId)?.name ?? gridId) : null;

/** 138****5678; nothing for an erased or absent number. */
export const maskedPhone = (phone: string | undefined): string | null => (phone ? maskPhone(phone) : null);

export const maskedIdNumber = (idNumber: string | undefined): string | null => (idNumber ? maskIdNumber(idNumber) : null);

/** A person's registered name (their profile, joined by openid); 已注销用户 once they deleted their account. */
export function personName(user: User | undefined, openid: string | undefined): string | null {
  if (!openid) return null;
  if (openid.startsWith('deleted-')) return DELETED_NAME;
  return user?.name ?? null;
}

/** The first document a lookup joined (by _id there is at most one). */
export const joined = <T>(docs: readonly T[] | undefined): T | undefined => docs?.[0];
