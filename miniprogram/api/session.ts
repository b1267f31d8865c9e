/** The developer identity used with the local cloud (the real cloud knows the user itself). */
import { DEMO_IDENTITIES } from '../config';

const KEY = 'linli.devOpenid';

export function currentOpenid(): string {
  const stored = wx.getStorageSync(KEY) as string;
  return stored || DEMO_IDENTITIES[0].openid;
}

export function switchOpenid(openid: string): void {
  wx.setStorageSync(KEY, openid);
}
