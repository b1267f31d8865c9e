import { cloudFunction } from '../../../backend/cloud';
import { volunteerHandlers } from '../../../core/usecases/volunteer';

export const main = cloudFunction('volunteer', volunteerHandlers);
