import { cloudFunction } from '../../../backend/cloud';
import { accountHandlers } from '../../../core/usecases/account';
import { userHandlers } from '../../../core/usecases/user';

export const main = cloudFunction('user', { ...userHandlers, ...accountHandlers });
