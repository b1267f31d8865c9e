import { cloudFunction } from '../../../backend/cloud';
import { mallHandlers } from '../../../core/usecases/mall';

export const main = cloudFunction('mall', mallHandlers);
