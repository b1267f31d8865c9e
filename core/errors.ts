/**
 * The stable error codes every action may reply with, and their default Chinese messages. A use
 * case throws DomainError; the router turns it into `{ ok: false, error: { code, message } }`.
 */
export const ERROR_MESSAGES = {
  INVALID_INPUT: '提交的信息有误，请检查后重试',
  UNAUTHENTICATED: '请先在“我的”页面完成登记',
  FORBIDDEN: '您没有权限进行此操作',
  NOT_FOUND: '要找的内容不存在或已被删除',
  CONFLICT: '状态已变化，请刷新后重试',
  INSUFFICIENT_POINTS: '爱心积分不足',
  OUT_OF_STOCK: '库存不足',
  CONTENT_RISKY: '内容含有不适宜发布的信息，请修改后再提交',
  /** A community limit (open orders, orders a day, …) was reached; the message says which. */
  LIMIT_REACHED: '已达到社区设定的上限，请稍后再试',
  UNKNOWN_ACTION: '暂不支持该操作，请升级小程序',
  INTERNAL: '系统繁忙，请稍后再试',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_MESSAGES[code],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const fail = (code: ErrorCode, message?: string): never => {
  throw new DomainError(code, message);
};

/** Throws NOT_FOUND when a lookup came back empty. */
export function found<T>(value: T | null | undefined, message?: string): T {
  if (value === null || value === undefined) throw new DomainError('NOT_FOUND', message);
  return value;
}
