import { cloudFunction } from '../../../backend/cloud';
import { dispatchHandlers, dispatchTimer } from '../../../core/usecases/dispatch';

export const main = cloudFunction('dispatch', dispatchHandlers, { timer: dispatchTimer });
