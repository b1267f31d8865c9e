import { cloudFunction } from '../../../backend/cloud';
import { orderHandlers } from '../../../core/usecases/order';

export const main = cloudFunction('order', orderHandlers);
