/**
 * What only the WeChat consoles can do after a deploy, derived from the code so it cannot drift:
 * collection permissions (the server API has no call for them), the functions' environment
 * variables and runtime settings (miniprogram-ci's uploadFunction sets neither), the subscribe-message
 * templates with the field keys the functions send, the privacy guideline for the privacy APIs the
 * pages call, and the server domain list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATE_ENV } from '../../backend/platform';
import type { NotificationKind } from '../../core/ports';
import { privacyPolicyLines, WECHAT_PRIVACY_PURPOSES } from '../../core/privacy';
import type { CollectionPlan, FunctionPlan } from './plan';

export interface ChecklistItem {
  title: string;
  lines: string[];
}

/** Where each notice goes and what it says, for choosing a template in 订阅消息 → 公共模板库. */
export const NOTICE_PURPOSES: Record<NotificationKind, string> = {
  order_assigned: '派单通知（发给被派单的志愿者）',
  order_accepted: '接单通知（发给下单的居民）',
  order_completed: '服务完成通知（发给下单的居民）',
  order_cancelled: '订单取消通知（发给已被派单或已接单的志愿者）',
  order_handed_back: '退单通知（发给下单的居民：志愿者退回了已接的订单）',
  order_reminder: '服务提醒（期望时间或办理时限前，发给已接单的志愿者）',
  activity_promoted: '候补成功通知（发给递补上的志愿者）',
  activity_cancelled: '活动取消通知（发给已报名的志愿者）',
  activity_reminder: '活动开始提醒（开始前，发给已报名的志愿者）',
  affair_assigned: '问题交办通知（社区交办时发给承办人，吹哨时发给该部门的人员）',
  affair_reminder: '问题办理到期提醒（剩余四分之一时限时发给承办人或部门人员；超期时再发给他们和交办、吹哨的工作人员）',
  affair_resolved: '问题办结通知（发给上报人，请其确认办理结果）',
  council_proposed: '新议题待受理通知（居民或网格员提出议题时，发给本社区的工作人员）',
  council_opened: '议题开始议事通知（工作人员发起议事时，发给提出人）',
  council_declined: '议题不予受理通知（发给提出人，附原因）',
  council_published: '议事结果公开通知（发给提出人）',
};

/** Template keyword types by the prefix of a field key, with WeChat's length limits where the code clips to them. */
const FIELD_TYPES: Record<string, string> = {
  thing: '事物，≤20 字',
  time: '时间',
  date: '日期',
  name: '姓名，≤10 字',
  number: '数字',
  amount: '金额',
  phrase: '汉字，≤5 字',
  character_string: '字符串',
  phone_number: '电话',
};

/** The functions' environment variables the backend reads, and what to set. */
const FUNCTION_ENV_PURPOSES: Record<string, string> = {
  LINLI_ADMIN_OPENIDS: '可不设：管理员用部署打印的初始化码在小程序里产生。设了则这些 openid 也是管理员（英文逗号分隔，所有云函数都要设；不能在小程序里移除）',
  LINLI_MINIPROGRAM_STATE: '订阅消息打开哪个版本：formal（正式版，默认）、trial（体验版）或 developer（开发版）；可不设',
};

/**
 * WeChat's privacy guideline items (用户隐私保护指引) by the APIs and components that need them
 * (miniprogram/dev/framework/user-privacy), plus the vant components that call them.
 */
const PRIVACY_ITEMS: Array<{ item: string; apis: string[] }> = [
  { item: '收集你的昵称、头像', apis: ['open-type="chooseAvatar"', 'type="nickname"', 'wx.getUserProfile', 'wx.getUserInfo'] },
  { item: '收集你的位置信息', apis: ['wx.getLocation', 'wx.getFuzzyLocation', 'wx.startLocationUpdate', 'wx.startLocationUpdateBackground'] },
  { item: '收集你选择的位置信息', apis: ['wx.chooseLocation', 'wx.choosePoi'] },
  { item: '收集你的地址', apis: ['wx.chooseAddress'] },
  { item: '收集你的手机号', apis: ['open-type="getPhoneNumber"', 'open-type="getRealtimePhoneNumber"'] },
  // van-uploader picks photos with wx.chooseImage / wx.chooseMedia inside vant.
  { item: '收集你选中的照片或视频信息', apis: ['wx.chooseImage', 'wx.chooseMedia', 'wx.chooseVideo', '<van-uploader'] },
  { item: '收集你选中的文件', apis: ['wx.chooseMessageFile'] },
  { item: '访问你的麦克风', apis: ['wx.startRecord', 'wx.getRecorderManager', 'wx.joinVoIPChat'] },
  { item: '访问你的摄像头', apis: ['wx.createCameraContext', '<camera'] },
  { item: '使用你的相册（仅写入）权限', apis: ['wx.saveImageToPhotosAlbum', 'wx.saveVideoToPhotosAlbum'] },
  { item: '读取你的剪切板', apis: ['wx.getClipboardData', 'wx.setClipboardData'] },
];

const NETWORK_APIS = ['wx.request', 'wx.uploadFile', 'wx.downloadFile', 'wx.connectSocket'];

/** Every file under `dir` with one of the extensions, skipping packed npm code. */
function sourceFiles(dir: string, extensions: readonly string[]): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'miniprogram_npm' && entry.name !== 'node_modules') files.push(...sourceFiles(file, extensions));
    } else if (extensions.some((extension) => entry.name.endsWith(extension))) files.push(file);
  }
  return files.sort();
}

/** The object literal's text that starts at `open` (a `{`), braces balanced. */
function balancedBlock(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

/**
 * The template field keys each notice is sent with, read from the use cases: the `fields: { … }` of
 * each object literal with `kind: '<kind>'`. A kind sent with different keys in two places is an error.
 */
export function noticeFields(root: string): Map<NotificationKind, string[]> {
  const found = new Map<NotificationKind, string[]>();
  for (const file of sourceFiles(path.join(root, 'core/usecases'), ['.ts'])) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/kind:\s*'([a-z_]+)'/g)) {
      const kind = match[1] as NotificationKind;
      if (!(kind in TEMPLATE_ENV)) continue;
      const fieldsAt = text.indexOf('fields:', match.index);
      const open = fieldsAt < 0 ? -1 : text.indexOf('{', fieldsAt);
      if (open < 0) continue;
      const keys = [...balancedBlock(text, open).matchAll(/[{,]\s*([a-z_]+\d+)\s*:/g)].map((key) => key[1]!);
      const before = found.get(kind);
      if (before && before.join() !== keys.join()) {
        throw new Error(`订阅消息 ${kind} 在不同地方用了不同的字段（${before.join('、')} 与 ${keys.join('、')}，${path.relative(root, file)}）`);
      }
      found.set(kind, keys);
    }
  }
  return found;
}

export const fieldType = (key: string): string => FIELD_TYPES[key.replace(/\d+$/, '')] ?? '见公共模板库';

/** Environment variables the backend reads (LINLI_*), in order of first appearance. */
export function functionEnvironment(root: string): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'backend'), ['.ts'])) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/\bLINLI_[A-Z0-9_]+\b/g)) names.add(match[0]);
  }
  return [...names];
}

function envPurpose(name: string): string {
  const kind = (Object.keys(TEMPLATE_ENV) as NotificationKind[]).find((k) => TEMPLATE_ENV[k] === name);
  if (kind) return `订阅消息模板 ID：${NOTICE_PURPOSES[kind]}`;
  const purpose = FUNCTION_ENV_PURPOSES[name];
  if (!purpose) throw new Error(`backend/ 读取了环境变量 ${name}，但部署清单不知道它的用途：请在 scripts/deploy/checklist.ts 的 FUNCTION_ENV_PURPOSES 写明`);
  return purpose;
}

/** The code without its comments, so an API named in a comment does not count as used. */
function withoutComments(text: string, file: string): string {
  if (file.endsWith('.wxml')) return text.replace(/<!--[\s\S]*?-->/g, '');
  // `(^|[^:])` keeps the `//` of a URL such as 'http://…'.
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** Which files of the mini-program use each of the given APIs or components (matched as written, outside comments). */
function usages(root: string, apis: readonly string[]): Map<string, string[]> {
  const miniprogram = path.join(root, 'miniprogram');
  const used = new Map<string, string[]>();
  for (const file of sourceFiles(miniprogram, ['.ts', '.wxml'])) {
    const text = withoutComments(fs.readFileSync(file, 'utf8'), file);
    for (const api of apis) {
      const pattern = api.startsWith('wx.') ? new RegExp(`\\b${api.replace('.', '\\.')}\\b`) : null;
      if (pattern ? pattern.test(text) : text.includes(api)) used.set(api, [...(used.get(api) ?? []), path.relative(root, file)]);
    }
  }
  return used;
}

export function consoleChecklist(root: string, functions: readonly FunctionPlan[], collections: readonly CollectionPlan[]): ChecklistItem[] {
  const items: ChecklistItem[] = [];

  const byRule = new Map<string, string[]>();
  for (const collection of collections) {
    const rule = JSON.stringify(collection.rule);
    byRule.set(rule, [...(byRule.get(rule) ?? []), collection.name]);
  }
  items.push({
    title: '数据库权限（服务端 API 不能设置，只能在云开发控制台 → 数据库 → 集合 → 数据权限 中逐个设置）',
    lines: [...byRule].map(([rule, names]) => {
      const closed = rule === JSON.stringify({ read: false, write: false });
      const how = closed ? '选“自定义安全规则”，填 {"read": false, "write": false}（小程序端不能直接读写，一律经云函数）' : `选“自定义安全规则”，填 ${rule}`;
      return `${names.length} 个集合 ${how}：${names.join('、')}`;
    }),
  });

  const fields = noticeFields(root);
  const senders = functions.filter((fn) => fn.openapi.includes('subscribeMessage.send')).map((fn) => fn.name);
  items.push({
    title: '订阅消息模板（微信公众平台 → 订阅消息 → 公共模板库：按下列顺序选关键词，使字段名一致）',
    lines: [
      ...(Object.keys(TEMPLATE_ENV) as NotificationKind[]).map((kind) => {
        const keys = fields.get(kind) ?? [];
        const described = keys.length ? keys.map((key) => `${key}（${fieldType(key)}）`).join('、') : '（代码里没有找到这种通知的字段）';
        return `${NOTICE_PURPOSES[kind]}：${described} → 模板 ID 填入云函数环境变量 ${TEMPLATE_ENV[kind]} 和 miniprogram/config.ts 的 templates.${kind}`;
      }),
      `发送订阅消息的云函数：${senders.join('、') || '（无）'}`,
    ],
  });

  const envNames = functionEnvironment(root);
  items.push({
    title: '云函数环境变量与配置（miniprogram-ci 上传函数时不设置；云开发控制台 → 云函数 → 函数名 → 函数配置）',
    lines: [
      ...envNames.map((name) => {
        const where = Object.values(TEMPLATE_ENV).includes(name) || name === 'LINLI_MINIPROGRAM_STATE' ? `（${senders.join('、')}）` : '';
        return `环境变量 ${name}${where}：${envPurpose(name)}`;
      }),
      `超时时间（秒）：${functions.map((fn) => `${fn.name} ${fn.timeoutSeconds}`).join('、')}（新建的函数默认 3 秒）`,
      '运行环境：miniprogram-ci 新建云函数时写死 Nodejs8.9，而本项目按 Node 16 构建。首次部署前请在控制台用 Node.js 16 或更高的运行环境先新建这些函数（只填名字），之后部署只更新代码；已有的函数请核对运行环境。',
      `定时触发器：${functions.filter((fn) => fn.trigger).map((fn) => `${fn.name} 的 ${fn.trigger!.name}（${fn.trigger!.config}）`).join('、')}；若控制台里已有同名触发器而 cron 不同，请先删除旧的再部署。`,
    ],
  });

  const privacyApis = PRIVACY_ITEMS.flatMap((item) => item.apis);
  const privacyUsed = usages(root, privacyApis);
  items.push({
    title: '用户隐私保护指引（微信公众平台 → 设置 → 服务内容声明 → 用户隐私保护指引；未声明的隐私接口会被直接禁用）',
    lines: [
      ...PRIVACY_ITEMS.filter((item) => item.apis.some((api) => privacyUsed.has(api))).map((item) => {
        const apis = item.apis.filter((api) => privacyUsed.has(api));
        const shown = (api: string) => (api.startsWith('<') ? `${api.slice(1)} 组件` : api);
        const purpose = WECHAT_PRIVACY_PURPOSES.find((declared) => declared.item === item.item)?.purpose;
        if (!purpose) throw new Error(`页面用到了隐私接口“${item.item}”，但 core/privacy.ts 的 WECHAT_PRIVACY_PURPOSES 没有写它的用途`);
        return `${item.item}：用途填“${purpose}”。调用处：${apis.map((api) => `${shown(api)}（${privacyUsed.get(api)!.join('、')}）`).join('；')}`;
      }),
      '补充说明（收集的全部个人信息，与小程序“我的 → 隐私政策”页面同一来源 core/privacy.ts）：',
      ...privacyPolicyLines().map((line) => `  ${line}`),
    ],
  });

  const networkUsed = usages(root, NETWORK_APIS);
  items.push({
    title: '服务器域名（微信公众平台 → 开发管理 → 开发设置 → 服务器域名）',
    lines: [
      '云开发的调用（wx.cloud.callFunction、wx.cloud.uploadFile 等）不需要配置服务器域名。',
      networkUsed.size === 0
        ? '小程序没有直接的网络请求，合法域名可以留空。'
        : `直接发网络请求的文件：${[...networkUsed].map(([api, files]) => `${api}（${files.join('、')}）`).join('；')}。这些请求只在本地云模式下发往 config.localUrl（开发者工具中勾选“不校验合法域名”），正式版不需要为它们配置域名；若新增了其他域名的请求，请在此添加。`,
    ],
  });

  items.push({
    title: '版本发布（微信公众平台 → 管理 → 版本管理）',
    lines: ['刚上传的是开发版：选为体验版试用，确认无误后提交审核，审核通过后发布。'],
  });
  return items;
}
