import { cloudFunction } from '../../../backend/cloud';
import { issueSetupCode } from '../../../core/usecases/admins';
import { communityHandlers } from '../../../core/usecases/community';

// `setup.issueCode` is run by the deployer through WeChat's server API (npm run deploy, step admin).
export const main = cloudFunction('community', communityHandlers, { server: { 'setup.issueCode': issueSetupCode } });
