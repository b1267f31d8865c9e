/** Display helpers for service records, star levels and dates, shared by the record and certificate pages. */
import type { RecordTotals } from '../../core/contract';

/** 75 → "1 小时 15 分钟". */
export function durationText(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} 分钟`;
  return rest === 0 ? `${hours} 小时` : `${hours} 小时 ${rest} 分钟`;
}

/** 2 → "★★☆☆☆" (five places, so the way to five stars is visible). */
export function starsText(stars: number): string {
  const full = Math.max(0, Math.min(5, stars));
  return '★'.repeat(full) + '☆'.repeat(5 - full);
}

/** What the stars mean, in one sentence. */
export function levelText(level: RecordTotals['level'], hours: number): string {
  const now = level.stars > 0 ? `${level.stars} 星志愿者，已记录 ${hours} 小时` : `已记录 ${hours} 小时`;
  if (level.toNext === null) return `${now}，已达最高星级`;
  return `${now}，再服务 ${level.toNext} 小时可升 ${level.stars + 1} 星`;
}

/** Today in Beijing, YYYY-MM-DD. */
export function beijingToday(now = Date.now()): string {
  return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10);
}
