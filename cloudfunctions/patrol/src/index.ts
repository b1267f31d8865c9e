import { cloudFunction } from '../../../backend/cloud';
import { patrolHandlers } from '../../../core/usecases/patrol';

export const main = cloudFunction('patrol', patrolHandlers);
