import { cloudFunction } from '../../../backend/cloud';
import { catalogHandlers } from '../../../core/usecases/catalog';

export const main = cloudFunction('catalog', catalogHandlers);
