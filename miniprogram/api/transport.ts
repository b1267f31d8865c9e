/**
 * How a cloud function is reached: wx.cloud.callFunction, or the local cloud over wx.request
 * (api/target.ts chooses). Either way the promise resolves with the function's result and the
 * platform's request id, or rejects with a platform error.
 */
import { currentOpenid } from './session';
import { cloudTarget } from './target';

export interface PlatformError {
  errCode?: number;
  errMsg: string;
  /** The invocation's id, when the platform names it (the local cloud does). */
  requestId?: string;
}

export interface CallResult {
  result: unknown;
  /** callFunction's requestID: the invocation's id in the cloud's logs. */
  requestId?: string;
}

function callCloud(name: string, data: unknown): Promise<CallResult> {
  return wx.cloud.callFunction({ name, data: data as WechatMiniprogram.IAnyObject }).then((reply) => ({
    result: reply.result,
    // In the reply since base library 2.3.0; miniprogram-api-typings leaves it out.
    requestId: (reply as { requestID?: string }).requestID,
  }));
}

function callLocal(url: string, name: string, data: unknown): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${url}/client/callFunction`,
      method: 'POST',
      header: { 'content-type': 'application/json', 'x-wx-openid': currentOpenid() },
      data: { name, data } as WechatMiniprogram.IAnyObject,
      success: (response) => {
        const body = (response.data ?? {}) as { result?: unknown; errCode?: number; errMsg?: string; requestID?: string };
        if (response.statusCode === 200) resolve({ result: body.result, requestId: body.requestID });
        else reject({ errCode: body.errCode, errMsg: body.errMsg ?? `HTTP ${response.statusCode}`, requestId: body.requestID } satisfies PlatformError);
      },
      fail: (error) => reject({ errMsg: error.errMsg } satisfies PlatformError),
    });
  });
}

/**
 * Another of the local cloud's client endpoints (what WeChat itself does on a phone, e.g.
 * /client/phoneCode): the reply's body on HTTP 200, else null.
 */
export function postToLocalCloud(url: string, route: string, data: WechatMiniprogram.IAnyObject): Promise<unknown> {
  return new Promise((resolve) => {
    wx.request({
      url: `${url}/client/${route}`,
      method: 'POST',
      header: { 'content-type': 'application/json', 'x-wx-openid': currentOpenid() },
      data,
      success: (response) => resolve(response.statusCode === 200 ? response.data : null),
      fail: () => resolve(null),
    });
  });
}

export function callFunction(name: string, data: unknown): Promise<CallResult> {
  const target = cloudTarget();
  return target.kind === 'cloud' ? callCloud(name, data) : callLocal(target.url, name, data);
}
