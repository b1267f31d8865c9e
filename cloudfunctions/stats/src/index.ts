import { cloudFunction } from '../../../backend/cloud';
import { statsHandlers } from '../../../core/usecases/stats';

export const main = cloudFunction('stats', statsHandlers);
