/**
 * A cloud function's entry point: `{ action, input }` → validate → caller from getWXContext() →
 * role check → use case → `{ ok: true, data }` or `{ ok: false, error: { code, message } }`.
 */
import { z } from 'zod';
import { admits, resolveRequest } from '../core/caller';
import { checkPublishedTexts } from '../core/content';
import { type ActionName, contract, type FunctionName } from '../core/contract';
import type { ActionSpec } from '../core/contract/define';
import { withPublishedTexts } from '../core/contract/fields';
import { DomainError, ERROR_MESSAGES, type ErrorCode } from '../core/errors';
import type { Handlers, ServerJob, TimerJob } from '../core/handlers';
import type { ActionContext, Deps } from '../core/ports';
import type { Reply } from '../core/reply';
import { failureLine } from './failure-log';

/**
 * zod's own Chinese messages ("无效输入：期望 boolean，实际接收 string") do not say which field they
 * are about; they are marked here so describeIssue can add the field. Our schemas' own messages
 * already name the field.
 */
const GENERIC_MARK = '\u2063';
const chinese = z.locales.zhCN();
z.config({
  localeError: (issue) => {
    const generic = chinese.localeError?.(issue);
    const text = typeof generic === 'string' ? generic : generic?.message;
    return text === undefined ? undefined : `${GENERIC_MARK}${text}`;
  },
});

export interface WxContext {
  OPENID?: string;
  SOURCE?: string;
}

export interface RouterOptions {
  /** What a timer trigger of this function runs. */
  timer?: TimerJob;
  /** What the deployer may run through WeChat's server API, by action name (e.g. `setup.issueCode`). */
  server?: Record<string, ServerJob>;
}

const envelope = z.object({ action: z.string().min(1), input: z.unknown().optional() });

const failure = (code: ErrorCode, message: string = ERROR_MESSAGES[code]): Reply<never> => ({ ok: false, error: { code, message } });

/** The first problem in a person's words; a generic message also says which field it is about. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return ERROR_MESSAGES.INVALID_INPUT;
  if (!issue.message.startsWith(GENERIC_MARK)) return issue.message;
  const text = issue.message.slice(GENERIC_MARK.length);
  return issue.path.length > 0 ? `${text}（字段 ${issue.path.join('.')}）` : text;
}

export function createRouter<F extends FunctionName>(
  name: F,
  handlers: Handlers<F>,
  deps: () => Deps,
  context: () => WxContext,
  options: RouterOptions = {},
) {
  const table = handlers as unknown as Record<string, (input: unknown, ctx: ActionContext) => Promise<unknown>>;
  /** `invocation` is the platform's second argument to main (its request_id names this run in the logs). */
  return async function main(event: unknown, invocation?: { request_id?: string }): Promise<Reply<unknown>> {
    const { OPENID, SOURCE = '' } = context();
    let named: string | null = null;
    try {
      // Only the platform can make SOURCE wx_trigger; an event cannot fake it.
      if (SOURCE.split(',').includes('wx_trigger')) {
        if (!options.timer) return failure('UNKNOWN_ACTION');
        named = 'timer';
        return { ok: true, data: await options.timer(deps()) };
      }
      // Likewise wx_http: an invocation through the server API (tcb/invokecloudfunction), which
      // needs the AppSecret. It runs the function's server jobs and nothing a client may call.
      if (SOURCE.split(',').includes('wx_http')) {
        const request = envelope.safeParse(event);
        const action = request.success ? request.data.action : '';
        const job = options.server && Object.hasOwn(options.server, action) ? options.server[action] : undefined;
        if (!job) return failure('UNKNOWN_ACTION');
        named = action;
        return { ok: true, data: await job(deps()) };
      }
      const request = envelope.safeParse(event);
      if (!request.success) return failure('INVALID_INPUT', '请求格式无效');
      const { action, input } = request.data;
      const handler = table[action];
      if (!action.startsWith(`${name}.`) || !handler) return failure('UNKNOWN_ACTION');
      named = action;
      if (!OPENID) return failure('UNAUTHENTICATED', '无法识别调用者身份');
      const spec = contract[action as ActionName] as ActionSpec;
      const services = deps();
      const { result: parsed, texts } = withPublishedTexts(() => spec.input.safeParse(input ?? {}));
      // What the action reads by its input comes with the caller (one request); only valid input names any.
      const reads = parsed.success && spec.reads ? spec.reads(parsed.data, OPENID) : {};
      const { caller, preread } = await resolveRequest(services.store, OPENID, services.adminOpenids, reads);
      // Roles first: someone who may not call an action learns nothing about its input.
      if (!admits(caller, spec.roles)) return failure(caller.user || caller.roles.size > 0 ? 'FORBIDDEN' : 'UNAUTHENTICATED');
      if (!parsed.success) return failure('INVALID_INPUT', describeIssue(parsed.error));
      // Every free text of the input, before anything is written (see core/content.ts).
      await checkPublishedTexts(services.content, caller.openid, texts);
      const data = await handler(parsed.data, { caller, deps: services, preread });
      return { ok: true, data };
    } catch (error) {
      if (error instanceof DomainError) return failure(error.code, error.message);
      console.error(failureLine({ function: name, action: named, requestId: invocation?.request_id ?? null }, error));
      return failure('INTERNAL');
    }
  };
}
