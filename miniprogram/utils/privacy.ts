/**
 * WeChat's privacy authorization (小程序隐私协议开发指南): before a privacy API runs (the phone-number
 * button, choosing photos, saving to the album, scanning) WeChat asks the app, through
 * `wx.onNeedPrivacyAuthorization`, to show its own agreement and answer with `resolve`. app.ts
 * registers the one listener here; the agreement dialog (components/privacy-consent) on the page
 * in front shows itself and answers. Declining only stops that API: the page stays usable.
 */
/** What `resolve` takes (the typings give the listener a GeneralCallbackResult instead; the guide is the source). */
type Resolve = (answer: { event: 'exposureAuthorization' | 'disagree' } | { event: 'agree'; buttonId: string }) => void;
type PrivacyApi = { onNeedPrivacyAuthorization?: (listener: (resolve: Resolve, eventInfo: { referrer?: string }) => void) => void };

/** The id of the dialog's `<button open-type="agreePrivacyAuthorization">` (WeChat checks it was tapped). */
export const AGREE_BUTTON_ID = 'agree-privacy';

let pending: Resolve | null = null;
/** The dialogs of the pages on screen, latest first: the one in front answers. */
const dialogs: Array<() => void> = [];

/** Registers the app's one listener (app.ts, at launch). On a base library without it nothing is asked. */
export function listenForPrivacyAuthorization(): void {
  const api = wx as unknown as PrivacyApi;
  if (typeof api.onNeedPrivacyAuthorization !== 'function') return;
  api.onNeedPrivacyAuthorization((resolve) => {
    const show = dialogs[0];
    if (!show) {
      // No page can ask (none on screen has the dialog): the API is not called.
      resolve({ event: 'disagree' });
      return;
    }
    pending = resolve;
    show();
    resolve({ event: 'exposureAuthorization' });
  });
}

/** A dialog coming on screen; returns how it leaves. */
export function attachDialog(show: () => void): () => void {
  dialogs.unshift(show);
  return () => {
    const at = dialogs.indexOf(show);
    if (at >= 0) dialogs.splice(at, 1);
  };
}

/** The person's answer: the waiting API goes on (agree) or fails (disagree). */
export function answerPrivacy(agree: boolean): void {
  const resolve = pending;
  pending = null;
  if (!resolve) return;
  resolve(agree ? { buttonId: AGREE_BUTTON_ID, event: 'agree' } : { event: 'disagree' });
}
