import { cloudFunction } from '../../../backend/cloud';
import { affairHandlers, affairTimer } from '../../../core/usecases/affair';

export const main = cloudFunction('affair', affairHandlers, { timer: affairTimer });
