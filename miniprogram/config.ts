/**
 * Where the mini-program's cloud calls go, by the build WeChat runs (api/target.ts decides):
 * - 体验版 (trial) and 正式版 (release) always call the real cloud environment `envId`;
 * - 开发版 (develop: DevTools, 预览, 真机调试) calls what `develop` says: `local` is the local cloud
 *   of `npm start` (wx.request to localUrl, as the identity chosen in 我的 → 开发者身份), so DevTools
 *   without a cloud environment runs the app; `cloud` is the environment `envId`.
 * So nothing here changes between a day of development and an upload for release.
 */
import type { NotificationKind } from '../core/ports';

export type CloudMode = 'cloud' | 'local';

export const config: { develop: CloudMode; envId: string; localUrl: string; templates: Record<NotificationKind, string> } = {
  develop: 'local',
  /**
   * The cloud environment id (云开发控制台 → 环境 ID), set once per community: the same id as
   * `envId` in deploy.config.json. Trial and release builds use it.
   */
  envId: 'linli-prod-0000000000',
  localUrl: 'http://127.0.0.1:3000',
  /**
   * Subscribe-message template ids, one per kind of notice the cloud functions send. Replace with
   * the template ids from 微信公众平台 → 订阅消息, and set the same ids in the cloud functions'
   * environment (LINLI_TEMPLATE_ORDER_ASSIGNED, …): the server sends with its id, and WeChat only
   * delivers when the person subscribed to that very id here. These defaults match the server's.
   */
  templates: {
    order_assigned: 'TPL_ORDER_ASSIGNED',
    order_accepted: 'TPL_ORDER_ACCEPTED',
    order_completed: 'TPL_ORDER_COMPLETED',
    order_cancelled: 'TPL_ORDER_CANCELLED',
    order_handed_back: 'TPL_ORDER_HANDED_BACK',
    order_reminder: 'TPL_ORDER_REMINDER',
    activity_promoted: 'TPL_ACTIVITY_PROMOTED',
    activity_cancelled: 'TPL_ACTIVITY_CANCELLED',
    activity_reminder: 'TPL_ACTIVITY_REMINDER',
    affair_assigned: 'TPL_AFFAIR_ASSIGNED',
    affair_reminder: 'TPL_AFFAIR_REMINDER',
    affair_resolved: 'TPL_AFFAIR_RESOLVED',
    council_proposed: 'TPL_COUNCIL_PROPOSED',
    council_opened: 'TPL_COUNCIL_OPENED',
    council_declined: 'TPL_COUNCIL_DECLINED',
    council_published: 'TPL_COUNCIL_PUBLISHED',
  },
};

/** The demo users of the local cloud's demo data, for the developer identity picker. */
export const DEMO_IDENTITIES = [
  { openid: 'demo-resident', label: '居民 张秀英' },
  { openid: 'demo-volunteer', label: '志愿者 李建国' },
  { openid: 'demo-staff', label: '社区工作人员 刘晓梅' },
  { openid: 'demo-applicant', label: '待审核志愿者 陈思远' },
  { openid: 'demo-admin', label: '管理员' },
  { openid: 'demo-staff-2', label: '社区工作人员 王建国' },
  { openid: 'demo-grid', label: '网格员 周网格' },
  { openid: 'demo-dept', label: '物业 赵物业' },
] as const;
