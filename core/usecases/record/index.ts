/**
 * The `record` function: the statutory service-hour records (志愿服务记录与证明出具办法 Arts. 7–13).
 * Scoring an order and checking out of an activity write them (../record-support.ts); here volunteers
 * read theirs and ask for corrections, staff review those (every change is kept: who, when, before,
 * after), and a daily timer flags completed services still without a record 8 working days on,
 * two before the 10-working-day limit of Art. 11.
 *
 * The actions, by what they do: records.ts (mine, get), corrections.ts (request, list, review),
 * alerts.ts (the alerts and the timer), holidays.ts (the year's 放假调休 the working days follow);
 * views.ts holds what their replies show.
 */
import type { Handlers } from '../../handlers';
import { alertHandlers } from './alerts';
import { correctionHandlers } from './corrections';
import { holidayHandlers } from './holidays';
import { recordsHandlers } from './records';

export { recordTimer } from './alerts';
export { RECORD_HISTORY_SHOWN } from './records';

export const recordHandlers: Handlers<'record'> = { ...recordsHandlers, ...correctionHandlers, ...alertHandlers, ...holidayHandlers };
