/**
 * Where the mini-program's cloud calls go. `cloud`: wx.cloud.callFunction on a real WeChat cloud
 * environment (set envId). `local`: the local cloud of `npm start` (wx.request to localUrl), with
 * the identity chosen in 我的 → 开发者身份, so DevTools without a cloud environment runs the app.
 */
import type { NotificationKind } from '../core/ports';

export type CloudMode = 'cloud' | 'local';

export const config: { mode: CloudMode; envId: string; localUrl: string; templates: Record<NotificationKind, string> } = {
  mode: 'local',
  envId: 'linli-prod-0000000000', // replace with your cloud environment id
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
    activity_promoted: 'TPL_ACTIVITY_PROMOTED',
    activity_cancelled: 'TPL_ACTIVITY_CANCELLED',
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
] as const;
