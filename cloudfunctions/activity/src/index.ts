import { cloudFunction } from '../../../backend/cloud';
import { activityHandlers, activityTimer } from '../../../core/usecases/activity';

export const main = cloudFunction('activity', activityHandlers, { timer: activityTimer });
