import { cloudFunction } from '../../../backend/cloud';
import { communityHandlers } from '../../../core/usecases/community';

export const main = cloudFunction('community', communityHandlers);
