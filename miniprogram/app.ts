import { logAppError } from './api/log';
import { cloudTarget } from './api/target';
import { listenForPrivacyAuthorization } from './utils/privacy';

App<IAppOption>({
  onLaunch() {
    const target = cloudTarget();
    if (target.kind === 'cloud') wx.cloud.init({ env: target.envId, traceUser: true });
    // Before any privacy API (phone, photos, album, scan) WeChat asks; the page's dialog answers.
    listenForPrivacyAuthorization();
  },
  /** A script error no page caught: to the real-time log, with the cloud call before it. */
  onError(error) {
    logAppError('error', error);
  },
  /** A promise rejected with nobody waiting for it (an await outside try in a handler). */
  onUnhandledRejection({ reason }) {
    logAppError('unhandledRejection', reason);
  },
});
