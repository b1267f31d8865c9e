import { cloudFunction } from '../../../backend/cloud';
import { scoringHandlers } from '../../../core/usecases/scoring';

export const main = cloudFunction('scoring', scoringHandlers);
