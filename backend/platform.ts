/** The other ports on WeChat: clock, randomness, content security and subscribe messages. */
import { randomBytes, randomInt } from 'node:crypto';
import { type Clock, CODE_ALPHABET, type ContentSafety, type Notification, type NotificationKind, type Notifier, type Random } from '../core/ports';

export interface SdkOpenApi {
  security: { msgSecCheck(data: Record<string, unknown>): Promise<{ result?: { suggest?: string } }> };
  subscribeMessage: { send(data: Record<string, unknown>): Promise<unknown> };
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
