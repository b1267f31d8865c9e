import { cloudFunction } from '../../../backend/cloud';
import { departmentHandlers } from '../../../core/usecases/department';

export const main = cloudFunction('department', departmentHandlers);
