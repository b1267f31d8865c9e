import { cloudFunction } from '../../../backend/cloud';
import { activityHandlers } from '../../../core/usecases/activity';

export const main = cloudFunction('activity', activityHandlers);
