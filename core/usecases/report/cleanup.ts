/**
 * The report function's daily timer: a report file holds residents' data, and once its download
 * address has expired nothing in the app points to it, so it is removed from storage a day on.
 * The record of the export (report_exports) stays: who exported what remains known.
 */
import type { TimerJob } from '../../handlers';
import { COLLECTIONS, type ReportExport } from '../../model';
import { DAY_MS } from '../../time';
import { keysetScan, OLDEST_FIRST } from '../shared/paging';

/** Files are removed once this many days old (their address lasted an hour; staff keep the file in WeChat). */
export const REPORT_FILE_DAYS = 1;
/** Each run also goes over the days before, so a missed run leaves nothing behind; removing a removed file is no error. */
const CATCH_UP_DAYS = 3;
/** Files removed per run at most (the next run goes on). */
const MAX_PER_RUN = 5000;
/** Files per removal request (cloud storage's limit). */
const REMOVE_BATCH = 50;

export const reportTimer: TimerJob = async (deps) => {
  const cutoff = new Date(deps.clock.now().getTime() - REPORT_FILE_DAYS * DAY_MS);
  const where = { createdAt: { gte: new Date(cutoff.getTime() - CATCH_UP_DAYS * DAY_MS) } };
  const exports = deps.store.collection<ReportExport>(COLLECTIONS.reportExports);
  let removed = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length > 0) await deps.files.remove(batch);
    removed += batch.length;
    batch = [];
  };
  const tooYoung = (done: ReportExport) => new Date(done.createdAt).getTime() >= cutoff.getTime();
  for await (const done of keysetScan<ReportExport>((after, limit) => exports.find(where, { orderBy: OLDEST_FIRST, after, limit }), OLDEST_FIRST, 100, tooYoung)) {
    batch.push(done.fileID);
    if (batch.length === REMOVE_BATCH) await flush();
    if (removed + batch.length >= MAX_PER_RUN) break;
  }
  await flush();
  return { removedFiles: removed };
};
