/** Field schemas shared by the actions, with the Chinese messages a person sees when one is wrong. */
import { z } from 'zod';
import { PHONE_MESSAGE, PHONE_PATTERN } from '../labels';

/**
 * WeChat's content check scenes (msgSecCheck v2): 1 资料 (names and profile), 2 评论 (ratings),
 * 3 论坛 (everything else people publish to one another).
 */
export type TextScene = 'profile' | 'comment' | 'forum';

/** A piece of free text found in an action's input: what it is called on the form, and its scene. */
export interface PublishedText {
  label: string;
  text: string;
  scene: TextScene;
}

let collected: PublishedText[] | null = null;

/**
 * Parses with `parse` and returns, besides its result, every free text the input carried. Every
 * text field of the contract is declared with shortText, optionalText or personName, which report
 * their value here, so the router can run the content check on all of them: a new field cannot be
 * forgotten. Parsing is synchronous, so nothing else runs while the list is being filled.
 */
export function withPublishedTexts<T>(parse: () => T): { result: T; texts: PublishedText[] } {
  const texts: PublishedText[] = [];
  collected = texts;
  try {
    return { result: parse(), texts };
  } finally {
    collected = null;
  }
}

const published = (label: string, scene: TextScene) => (text: string) => {
  if (text !== '') collected?.push({ label, text, scene });
  return text;
};

/**
 * A string field that is not free text (an id, a cursor, a code): nobody reads it as a message, so
 * it needs no content check. The contract test requires every other string to be free text or to
 * have a format.
 */
export const NOT_TEXT = { notText: true } as const;

export const id = z.string().trim().min(1, { error: '缺少编号' }).max(64, { error: '编号过长' }).meta(NOT_TEXT);

/**
 * Characters no document can hold: control characters other than tab and line breaks, U+FFFE and
 * U+FFFF, and half of a surrogate pair. Excel refuses a workbook that has one, so a single name
 * typed with one would break every export it appears in: they are refused where text comes in.
 */
const UNWRITABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const writable = (value: string): boolean => !UNWRITABLE.test(value);

/** The text without them (text stored before the contract refused them, written into a workbook). */
export const withoutUnwritable = (value: string): string => value.replace(new RegExp(UNWRITABLE.source, 'g'), '');

export const personName = z
  .string()
  .trim()
  .min(1, { error: '请填写姓名' })
  .max(20, { error: '姓名不能超过 20 个字' })
  .refine(writable, { error: '姓名含有无法识别的字符' })
  .transform(published('姓名', 'profile'))
  .meta({ freeText: '姓名' });

/** Mainland mobile number. */
export const phone = z
  .string()
  .trim()
  .regex(PHONE_PATTERN, { error: PHONE_MESSAGE });

/** What to tell someone whose phone code WeChat refused (or that never was one). */
export const PHONE_CODE_MESSAGE = '手机号验证已失效，请重新点击获取手机号';

/**
 * The code WeChat's phone-number button gives (`open-type="getPhoneNumber"`): exchanged once by the
 * cloud for a verified number, so a person never types one. Opaque to us; WeChat's are 64 hex digits.
 */
export const phoneCode = z
  .string({ error: '请点击按钮获取微信绑定的手机号' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, { error: PHONE_CODE_MESSAGE })
  .meta(NOT_TEXT);

/** Required free text; others read it, so it passes WeChat's content check (see withPublishedTexts). */
export const shortText = (label: string, max: number, scene: TextScene = 'forum') =>
  z
    .string()
    .trim()
    .min(1, { error: `请填写${label}` })
    .max(max, { error: `${label}不能超过 ${max} 个字` })
    .refine(writable, { error: `${label}含有无法识别的字符` })
    .transform(published(label, scene))
    .meta({ freeText: label });

export const optionalText = (label: string, max: number, scene: TextScene = 'forum') =>
  z
    .string()
    .trim()
    .max(max, { error: `${label}不能超过 ${max} 个字` })
    .refine(writable, { error: `${label}含有无法识别的字符` })
    .transform(published(label, scene))
    .meta({ freeText: label })
    .optional();

export const address = z.object({
  gridId: id,
  building: shortText('楼栋', 20),
  unit: optionalText('单元', 10),
  room: optionalText('房号', 10),
});

/** Chosen by the client per submission, so a retried tap does not create a second record. */
export const clientRequestId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, { error: '请求编号无效，请重新提交' });

export const positiveInt = (label: string, max: number) =>
  z
    .number({ error: `${label}必须是数字` })
    .int({ error: `${label}必须是整数` })
    .min(1, { error: `${label}至少为 1` })
    .max(max, { error: `${label}不能超过 ${max}` });

export const nonNegativeInt = (label: string, max: number) =>
  z
    .number({ error: `${label}必须是数字` })
    .int({ error: `${label}必须是整数` })
    .min(0, { error: `${label}不能为负数` })
    .max(max, { error: `${label}不能超过 ${max}` });

export const stars = z
  .number({ error: '请选择星级' })
  .int({ error: '星级必须是 1–5 的整数' })
  .min(1, { error: '星级至少 1 星' })
  .max(5, { error: '星级最多 5 星' });

/** Cursor paging: pass back `nextCursor` to get the next page. */
export const paging = {
  cursor: z.string().max(200).meta(NOT_TEXT).optional(),
  limit: z.number().int().min(1).max(50).optional(),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A real calendar day (2023-02-30 is refused), named in the messages. */
export const calendarDate = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label}格式应为 YYYY-MM-DD` })
    .refine(
      (value) => {
        const parsed = new Date(`${value}T00:00:00Z`);
        return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
      },
      { error: `${label}无效` },
    );

export const date = calendarDate('日期');

/** A Beijing calendar month, YYYY-MM, from 2000 on (nothing in the app is older). */
export const month = z.string({ error: '请选择月份' }).regex(/^20\d{2}-(0[1-9]|1[0-2])$/, { error: '月份格式应为 YYYY-MM' });

export const skills = z
  .array(shortText('技能', 20))
  .max(20, { error: '技能最多 20 项' });

/** A yes/no field, with a message that names it (the generic one does not always say which). */
export const yesNo = (label: string) => z.boolean({ error: `${label}应为“是”或“否”` });
