import { cloudFunction } from '../../../backend/cloud';
import { pointsHandlers } from '../../../core/usecases/points';

export const main = cloudFunction('points', pointsHandlers);
