/** How an activity is shown on the staff and the volunteer pages alike. */
import type { ActivityView } from '../../core/contract';
import { formatTimeRange } from './format';
import { ACTIVITY_PHASE_TAG, ACTIVITY_PHASE_TEXT } from './labels';

export interface ActivityCard {
  /** Beijing wall time, "2026-11-21 09:00–11:00". */
  timeText: string;
  /** Every place is taken: a new sign-up goes on the waiting list. */
  full: boolean;
}

export function activityCard(activity: ActivityView): ActivityCard {
  return { timeText: formatTimeRange(activity.startAt, activity.endAt), full: activity.enrolled >= activity.capacity };
}

/** The phase tag's text and colour, for a page's `data` (the view looks them up by phase). */
export const PHASE_LABELS = { phaseText: ACTIVITY_PHASE_TEXT, phaseTag: ACTIVITY_PHASE_TAG };
