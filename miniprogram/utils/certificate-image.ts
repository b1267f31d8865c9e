/**
 * The service certificate as a picture the volunteer can save (办法 Art. 15: service time, content
 * and the recording unit, plus the code anyone can check it with). Pure: it draws on whatever 2D
 * context it is given — the page's canvas, or a recording fake in tests (simulate has no canvas).
 */
import type { CertificateCheck } from '../../core/contract';
import { formatTime } from './format';

/** What is used of a canvas 2D context (a subset of the standard one the canvas type="2d" gives). */
export interface CertificateCanvas {
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  font: string;
  textAlign: 'left' | 'center' | 'right';
  textBaseline: 'top' | 'middle' | 'alphabetic';
  fillRect(x: number, y: number, width: number, height: number): void;
  strokeRect(x: number, y: number, width: number, height: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
}

export interface CertificateLayout {
  /** CSS pixels; everything else scales with it. */
  width: number;
  /** The verification code as QR modules (utils/qr.ts `qrModules`), drawn under the text for scanning. */
  qr?: ReadonlyArray<ReadonlyArray<boolean>>;
}

export const HOW_TO_VERIFY = '核验方式：在“邻里”小程序“证明核验”输入验证码，或扫描下方二维码';

/** Content lines beyond this are summed up in one line, so the picture stays a certificate. */
const MAX_CONTENT_LINES = 12;

const RED = '#c8372d';
const INK = '#1f2329';
const GREY = '#646a73';
const FONT_FAMILY = '"PingFang SC", "Microsoft YaHei", sans-serif';

interface Line {
  text: string;
  font: string;
  color: string;
  align: 'left' | 'center';
  x: number;
  /** Top of the line. */
  y: number;
}

interface Plan {
  lines: Line[];
  height: number;
  /** Where the QR code goes (a square of `size` CSS pixels), if there is one. */
  qr?: { x: number; y: number; size: number; modules: ReadonlyArray<ReadonlyArray<boolean>> };
}

/**
 * What must stay on one line: a figure with its unit ("12.5 小时"), a run of Latin letters and digits
 * (dates, the code); anything else is one character (Chinese breaks between any two).
 */
const TOKENS = /\d+(?:\.\d+)? ?(?:小时|分钟|次)|[A-Za-z0-9.:\-]+|\s|./gu;
/** Punctuation that may not begin a line (避头标点): it takes the token before it along. */
const NO_LINE_START = /^[，。、；：！？）」』”’,.;:!?)]$/u;

/** Splits `text` into lines no wider than `maxWidth`. */
export function wrapText(ctx: Pick<CertificateCanvas, 'measureText'>, text: string, maxWidth: number): string[] {
  const fits = (value: string) => ctx.measureText(value).width <= maxWidth;
  const lines: string[] = [];
  let line: string[] = [];
  const push = () => {
    const joined = line.join('').trimEnd();
    if (joined !== '') lines.push(joined);
    line = [];
  };
  for (const token of text.match(TOKENS) ?? []) {
    if (fits(line.join('') + token)) {
      line.push(token);
      continue;
    }
    if (/^\s$/.test(token)) {
      // A space that falls at the break is not carried to the next line.
      push();
      continue;
    }
    const carried = NO_LINE_START.test(token) && line.length > 1 ? line.splice(-1) : [];
    push();
    line = carried;
    if (fits(line.join('') + token)) {
      line.push(token);
      continue;
    }
    // Wider than a whole line on its own: broken character by character.
    for (const char of token) {
      if (line.length > 0 && !fits(line.join('') + char)) push();
      line.push(char);
    }
  }
  push();
  return lines;
}

const hoursText = (hours: number): string => `${hours} 小时`;

function plan(ctx: CertificateCanvas, view: CertificateCheck, layout: CertificateLayout): Plan {
  const { width } = layout;
  const padding = Math.round(width * 0.08);
  const textWidth = width - padding * 2;
  const sizes = { title: Math.round(width * 0.075), body: Math.round(width * 0.045), small: Math.round(width * 0.036) };
  const fonts = {
    title: `bold ${sizes.title}px ${FONT_FAMILY}`,
    body: `${sizes.body}px ${FONT_FAMILY}`,
    strong: `bold ${sizes.body}px ${FONT_FAMILY}`,
    small: `${sizes.small}px ${FONT_FAMILY}`,
  };
  const lines: Line[] = [];
  let y = padding + Math.round(sizes.title * 0.6);

  const add = (text: string, font: keyof typeof fonts, options: { color?: string; indent?: number; gapAfter?: number } = {}) => {
    const size = font === 'title' ? sizes.title : font === 'small' ? sizes.small : sizes.body;
    const indent = options.indent ?? 0;
    ctx.font = fonts[font];
    for (const part of wrapText(ctx, text, textWidth - indent)) {
      lines.push({ text: part, font: fonts[font], color: options.color ?? INK, align: 'left', x: padding + indent, y });
      y += Math.round(size * 1.6);
    }
    y += options.gapAfter ?? 0;
  };

  ctx.font = fonts.title;
  lines.push({ text: '志愿服务证明', font: fonts.title, color: RED, align: 'center', x: width / 2, y });
  y += Math.round(sizes.title * 2);

  add(`志愿者：${view.volunteerName}`, 'strong');
  add(`服务期间：${view.from} 至 ${view.to}`, 'body');
  add(`服务时间：累计 ${hoursText(view.totalHours)}（共 ${view.recordCount} 次）`, 'strong', { color: RED });
  add('服务内容：', 'body');
  const shown = view.content.slice(0, MAX_CONTENT_LINES);
  for (const item of shown) add(`· ${item.activityName}　${hoursText(item.hours)}（${item.count} 次）`, 'body', { indent: sizes.body });
  const hidden = view.content.slice(MAX_CONTENT_LINES);
  if (hidden.length > 0) add(`· 其他 ${hidden.length} 项服务内容，共 ${hoursText(hidden.reduce((sum, item) => sum + Math.round(item.hours * 100), 0) / 100)}`, 'body', { indent: sizes.body });
  if (view.content.length === 0) add('（此期间没有服务记录）', 'body', { indent: sizes.body, color: GREY });
  y += Math.round(sizes.body * 0.6);
  add('兹证明以上志愿服务经记录单位记录属实。', 'body', { gapAfter: Math.round(sizes.body * 0.6) });
  add(`记录单位：${view.communityName}`, 'strong');
  add(`出具日期：${formatTime(view.issuedAt).slice(0, 10)}`, 'body', { gapAfter: Math.round(sizes.body * 0.6) });
  add(`验证码：${view.printedCode}`, 'strong');
  add(HOW_TO_VERIFY, 'small', { color: GREY });
  if (view.superseded) add('本证明已失效（记录有更正），请重新申请', 'strong', { color: RED });
  let qr: Plan['qr'];
  if (layout.qr && layout.qr.length > 0) {
    const size = Math.round(width * 0.32);
    y += Math.round(sizes.body * 0.6);
    qr = { x: Math.round((width - size) / 2), y, size, modules: layout.qr };
    y += size;
  }

  return { lines, height: y + padding, qr };
}

/** The height (CSS pixels) the certificate needs at this width; the canvas is sized with it. */
export function certificateHeight(ctx: CertificateCanvas, view: CertificateCheck, layout: CertificateLayout): number {
  return plan(ctx, view, layout).height;
}

/** Draws the certificate from (0, 0); returns the height drawn. */
export function drawCertificate(ctx: CertificateCanvas, view: CertificateCheck, layout: CertificateLayout): number {
  const { lines, height, qr } = plan(ctx, view, layout);
  const { width } = layout;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  // A double red frame, as printed certificates have.
  const inset = Math.round(width * 0.03);
  ctx.strokeStyle = RED;
  ctx.lineWidth = 3;
  ctx.strokeRect(inset, inset, width - inset * 2, height - inset * 2);
  ctx.lineWidth = 1;
  ctx.strokeRect(inset + 6, inset + 6, width - inset * 2 - 12, height - inset * 2 - 12);
  ctx.textBaseline = 'top';
  for (const line of lines) {
    ctx.font = line.font;
    ctx.fillStyle = line.color;
    ctx.textAlign = line.align;
    ctx.fillText(line.text, line.x, line.y);
  }
  if (qr) {
    // Dark modules as squares, slightly overlapping so no hairline gaps show between them.
    const cell = qr.size / qr.modules.length;
    ctx.fillStyle = INK;
    qr.modules.forEach((row, r) => row.forEach((dark, c) => dark && ctx.fillRect(qr.x + c * cell, qr.y + r * cell, Math.ceil(cell), Math.ceil(cell))));
  }
  return height;
}
