import { cloudFunction } from '../../../backend/cloud';
import { householdHandlers } from '../../../core/usecases/household';

export const main = cloudFunction('household', householdHandlers);
