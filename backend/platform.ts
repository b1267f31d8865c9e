/** The other ports on WeChat: clock, randomness, content security, subscribe messages and phone verification. */
import { randomBytes, randomInt } from 'node:crypto';
import {
  type Clock,
  CODE_ALPHABET,
  type ContentSafety,
  type FileStorage,
  type Notification,
  type NotificationKind,
  type Notifier,
  type PhoneVerification,
  type Random,
} from '../core/ports';

export interface SdkOpenApi {
  security: { msgSecCheck(data: Record<string, unknown>): Promise<{ result?: { suggest?: string } }> };
  subscribeMessage: { send(data: Record<string, unknown>): Promise<unknown> };
  /** The SDK turns the reply's `phone_info` into `phoneInfo` (its inner keys are camelCase already). */
  phonenumber: {
    getPhoneNumber(data: { code: string; openid: string }): Promise<{ phoneInfo?: { purePhoneNumber?: unknown; countryCode?: unknown } }>;
  };
}

export const systemClock: Clock = { now: () => new Date() };

export const cryptoRandom: Random = {
  id: () => randomBytes(12).toString('hex'),
  digits: (length) => Array.from({ length }, () => String(randomInt(10))).join(''),
  code: (length) => Array.from({ length }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(''),
};

const SCENES = { profile: 1, comment: 2, forum: 3, social: 4 } as const;

export function wxContentSafety(openapi: SdkOpenApi): ContentSafety {
  return {
    async check(text, openid, scene) {
      try {
        const { result } = await openapi.security.msgSecCheck({ version: 2, openid, scene: SCENES[scene], content: text });
        const suggest = result?.suggest;
        return suggest === 'risky' || suggest === 'review' ? suggest : 'pass';
      } catch (error) {
        // A function deployed without the permission would silently check nothing: fail loudly.
        if ((error as { errCode?: number }).errCode === -604101) throw error;
        // Otherwise the check is a safeguard, not the service: when WeChat cannot answer, accept and log.
        console.warn('[msgSecCheck] unavailable, content accepted:', (error as Error).message ?? error);
        return 'pass';
      }
    },
  };
}

/** WeChat's answer to a code that is forged, used, expired or not the given openid's. */
const INVALID_PHONE_CODE = 40029;

/**
 * phonenumber.getPhoneNumber with the caller's openid, so WeChat also checks that the code was
 * given to them: a code passed on by someone else is refused like a forged one.
 */
export function wxPhoneVerification(openapi: SdkOpenApi): PhoneVerification {
  return {
    async exchange(code, openid) {
      try {
        const { phoneInfo } = await openapi.phonenumber.getPhoneNumber({ code, openid });
        if (typeof phoneInfo?.purePhoneNumber !== 'string') throw new Error('getPhoneNumber replied without phone_info');
        // The documentation's table says string, its example shows a number: accept both.
        return { purePhoneNumber: phoneInfo.purePhoneNumber, countryCode: String(phoneInfo.countryCode ?? '') };
      } catch (error) {
        if ((error as { errCode?: number }).errCode === INVALID_PHONE_CODE) return null;
        throw error;
      }
    },
  };
}

/** Template ids come from the environment, so each deployment uses its own templates. */
export const TEMPLATE_ENV: Record<NotificationKind, string> = {
  order_assigned: 'LINLI_TEMPLATE_ORDER_ASSIGNED',
  order_accepted: 'LINLI_TEMPLATE_ORDER_ACCEPTED',
  order_completed: 'LINLI_TEMPLATE_ORDER_COMPLETED',
  order_cancelled: 'LINLI_TEMPLATE_ORDER_CANCELLED',
  order_handed_back: 'LINLI_TEMPLATE_ORDER_HANDED_BACK',
  order_reminder: 'LINLI_TEMPLATE_ORDER_REMINDER',
  activity_promoted: 'LINLI_TEMPLATE_ACTIVITY_PROMOTED',
  activity_cancelled: 'LINLI_TEMPLATE_ACTIVITY_CANCELLED',
  activity_reminder: 'LINLI_TEMPLATE_ACTIVITY_REMINDER',
  affair_assigned: 'LINLI_TEMPLATE_AFFAIR_ASSIGNED',
  affair_reminder: 'LINLI_TEMPLATE_AFFAIR_REMINDER',
  affair_resolved: 'LINLI_TEMPLATE_AFFAIR_RESOLVED',
  council_proposed: 'LINLI_TEMPLATE_COUNCIL_PROPOSED',
  council_opened: 'LINLI_TEMPLATE_COUNCIL_OPENED',
  council_declined: 'LINLI_TEMPLATE_COUNCIL_DECLINED',
  council_published: 'LINLI_TEMPLATE_COUNCIL_PUBLISHED',
};

export function wxNotifier(openapi: SdkOpenApi, env: NodeJS.ProcessEnv = process.env): Notifier {
  return {
    async notify(notification: Notification) {
      const templateId = env[TEMPLATE_ENV[notification.kind]] ?? `TPL_${notification.kind.toUpperCase()}`;
      try {
        await openapi.subscribeMessage.send({
          touser: notification.touser,
          templateId,
          page: notification.page,
          data: Object.fromEntries(Object.entries(notification.fields).map(([key, value]) => [key, { value }])),
          miniprogramState: env.LINLI_MINIPROGRAM_STATE ?? 'formal',
        });
      } catch (error) {
        // 43101 (no subscription) is normal: the person chose not to be notified.
        const { errCode } = error as { errCode?: number };
        if (errCode !== 43101) console.warn('[subscribeMessage] not sent:', (error as Error).message ?? error);
      }
    },
  };
}

/** The parts of wx-server-sdk's storage API the functions use. */
export interface SdkStorage {
  uploadFile(options: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string }>;
  getTempFileURL(options: { fileList: Array<{ fileID: string; maxAge: number }> }): Promise<{ fileList: Array<{ fileID: string; tempFileURL: string; status: number; errMsg?: string }> }>;
  deleteFile(options: { fileList: string[] }): Promise<unknown>;
}

/** getTempFileURL and deleteFile take at most 50 files a call. */
const FILES_PER_CALL = 50;

export function wxFileStorage(sdk: SdkStorage): FileStorage {
  return {
    async upload(cloudPath, content) {
      return (await sdk.uploadFile({ cloudPath, fileContent: Buffer.from(content) })).fileID;
    },
    async temporaryUrl(fileID, maxAgeSeconds) {
      const [file] = (await sdk.getTempFileURL({ fileList: [{ fileID, maxAge: maxAgeSeconds }] })).fileList;
      if (!file || file.status !== 0 || !file.tempFileURL) throw new Error(`getTempFileURL failed: ${file?.errMsg ?? 'no reply'}`);
      return file.tempFileURL;
    },
    async remove(fileIDs) {
      for (let start = 0; start < fileIDs.length; start += FILES_PER_CALL) await sdk.deleteFile({ fileList: fileIDs.slice(start, start + FILES_PER_CALL) });
    },
  };
}
