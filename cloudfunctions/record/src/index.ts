import { cloudFunction } from '../../../backend/cloud';
import { recordHandlers, recordTimer } from '../../../core/usecases/record';

export const main = cloudFunction('record', recordHandlers, { timer: recordTimer });
