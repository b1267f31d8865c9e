import { cloudFunction } from '../../../backend/cloud';
import { pointsHandlers } from '../../../core/usecases/points';
import { reconcileTimer } from '../../../core/usecases/reconcile';

export const main = cloudFunction('points', pointsHandlers, { timer: reconcileTimer });
