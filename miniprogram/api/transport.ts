/**
 * How a cloud function is reached: wx.cloud.callFunction, or the local cloud over wx.request.
 * Either way the promise resolves with the function's result, or rejects with a platform error.
 */
import { config } from '../config';
import { currentOpenid } from './session';

export interface PlatformError {
  errCode?: number;
  errMsg: string;
}

/** The local cloud's address: a test or a developer may set another in storage without editing config.ts. */
export function localCloudUrl(): string {
  return (wx.getStorageSync('linli.localUrl') as string) || config.localUrl;
}

function callCloud(name: string, data: unknown): Promise<unknown> {
  return wx.cloud.callFunction({ name, data: data as WechatMiniprogram.IAnyObject }).then((reply) => reply.result);
}

function callLocal(name: string, data: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${localCloudUrl()}/client/callFunction`,
      method: 'POST',
      header: { 'content-type': 'application/json', 'x-wx-openid': currentOpenid() },
      data: { name, data } as WechatMiniprogram.IAnyObject,
      success: (response) => {
        const body = response.data as { result?: unknown; errCode?: number; errMsg?: string };
        if (response.statusCode === 200) resolve(body.result);
        else reject({ errCode: body.errCode, errMsg: body.errMsg ?? `HTTP ${response.statusCode}` } satisfies PlatformError);
      },
      fail: (error) => reject({ errMsg: error.errMsg } satisfies PlatformError),
    });
  });
}

export function callFunction(name: string, data: unknown): Promise<unknown> {
  return config.mode === 'cloud' ? callCloud(name, data) : callLocal(name, data);
}
