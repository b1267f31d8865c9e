/**
 * Asks the person to subscribe to the notices the cloud functions send them (订阅消息). WeChat
 * delivers a subscribe message only when the person accepted that template, once per acceptance,
 * so every action after which the person would want to hear back asks again.
 *
 * WeChat shows the dialog only during a user gesture: call askToSubscribe synchronously inside the
 * tap handler, BEFORE the first `await`, and do not await it before the action's call (that would
 * hold the action up until the person answers). Start it, make the call, and, if the page leaves
 * afterwards, await the returned promise first so the dialog is answered before the page goes.
 * It never rejects: a refusal, a ban or an old WeChat only means no notices.
 */
import type { NotificationKind } from '../../core/ports';
import { config } from '../config';
import { currentOpenid } from './session';
import { localCloudUrl, usesLocalCloud } from './target';

/** WeChat's limit on template ids in one request; a tap gets one request, so extra kinds are dropped. */
export const MAX_TEMPLATES_PER_REQUEST = 3;

function requestInWeChat(tmplIds: string[]): Promise<void> {
  return new Promise((resolve) => {
    // Base library < 2.4.4 has no subscribe messages at all.
    if (typeof wx.requestSubscribeMessage !== 'function') return resolve();
    wx.requestSubscribeMessage({
      tmplIds,
      success: () => resolve(),
      fail: (error) => {
        // 20004: the person turned notices off in settings; nothing to do about that here.
        console.warn('[subscribe] not subscribed:', error.errMsg);
        resolve();
      },
    });
  });
}

/** The local cloud grants what it is asked for, as if the person accepted every template. */
function requestInLocalCloud(tmplIds: string[]): Promise<void> {
  return new Promise((resolve) => {
    wx.request({
      url: `${localCloudUrl()}/client/requestSubscribeMessage`,
      method: 'POST',
      header: { 'content-type': 'application/json', 'x-wx-openid': currentOpenid() },
      data: { tmplIds },
      success: (response) => {
        if (response.statusCode !== 200) console.warn('[subscribe] local cloud refused:', response.statusCode);
        resolve();
      },
      fail: (error) => {
        console.warn('[subscribe] local cloud unreachable:', error.errMsg);
        resolve();
      },
    });
  });
}

export function askToSubscribe(kinds: readonly NotificationKind[]): Promise<void> {
  try {
    const tmplIds = [...new Set(kinds.map((kind) => config.templates[kind]).filter(Boolean))].slice(0, MAX_TEMPLATES_PER_REQUEST);
    if (tmplIds.length === 0) return Promise.resolve();
    const asked = usesLocalCloud() ? requestInLocalCloud(tmplIds) : requestInWeChat(tmplIds);
    return asked.catch(() => undefined);
  } catch (error) {
    // A wx API that throws synchronously must not break the tap that called us.
    console.warn('[subscribe]', (error as Error).message ?? error);
    return Promise.resolve();
  }
}
