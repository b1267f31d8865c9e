import { cloudFunction } from '../../../backend/cloud';
import { userHandlers } from '../../../core/usecases/user';

export const main = cloudFunction('user', userHandlers);
