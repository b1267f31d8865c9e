/** Asking before a step that cannot be taken back, in the same words on every page. */

/** Resolves true only when the person taps `confirmText`; 再想想, or the dialog failing, is a no. */
export function confirm(title: string, content: string, confirmText: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({ title, content, confirmText, cancelText: '再想想', success: (r) => resolve(r.confirm), fail: () => resolve(false) });
  });
}
