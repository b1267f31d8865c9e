import { cloudFunction } from '../../../backend/cloud';
import { councilHandlers } from '../../../core/usecases/council';

export const main = cloudFunction('council', councilHandlers);
