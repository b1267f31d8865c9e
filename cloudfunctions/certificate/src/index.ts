import { cloudFunction } from '../../../backend/cloud';
import { certificateHandlers } from '../../../core/usecases/certificate';

export const main = cloudFunction('certificate', certificateHandlers);
