/**
 * Where the mini-program's cloud calls go. `cloud`: wx.cloud.callFunction on a real WeChat cloud
 * environment (set envId). `local`: the local cloud of `npm start` (wx.request to localUrl), with
 * the identity chosen in 我的 → 开发者身份, so DevTools without a cloud environment runs the app.
 */
export type CloudMode = 'cloud' | 'local';

export const config: { mode: CloudMode; envId: string; localUrl: string } = {
  mode: 'local',
  envId: 'linli-prod-0000000000', // replace with your cloud environment id
  localUrl: 'http://127.0.0.1:3000',
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
