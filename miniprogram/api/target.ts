/**
 * Which cloud this run of the mini-program talks to, from the build WeChat is running
 * (wx.getAccountInfoSync().miniProgram.envVersion) and config.ts: trial and release builds always
 * the real environment, a develop build what config.develop says. Decided on every call (the
 * answer never changes within a run, and reading it is a synchronous lookup), so nothing has to
 * be edited before an upload.
 */
import { config } from '../config';

export type EnvVersion = 'develop' | 'trial' | 'release';
export type CloudTarget = { kind: 'local'; url: string } | { kind: 'cloud'; envId: string };

/**
 * The build WeChat runs. A base library without getAccountInfoSync (before 2.2.2, which has no
 * cloud either) counts as release: calling the real environment is the choice that cannot send a
 * person's phone to a developer's 127.0.0.1.
 */
export function envVersion(): EnvVersion {
  if (typeof wx.getAccountInfoSync !== 'function') return 'release';
  return wx.getAccountInfoSync().miniProgram.envVersion ?? 'release';
}

/** The local cloud's address: a test or a developer may set another in storage without editing config.ts. */
export function localCloudUrl(): string {
  return (wx.getStorageSync('linli.localUrl') as string) || config.localUrl;
}

export function cloudTarget(version: EnvVersion = envVersion()): CloudTarget {
  if (version === 'develop' && config.develop === 'local') return { kind: 'local', url: localCloudUrl() };
  return { kind: 'cloud', envId: config.envId };
}

/** True when calls go to the local cloud (the developer identity picker is shown then). */
export function usesLocalCloud(): boolean {
  return cloudTarget().kind === 'local';
}
