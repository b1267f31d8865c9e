/** The shape of a cloud function's use cases: one handler per action it serves. */
import type { ActionsOf, FunctionName, OutputOf, ParsedInputOf } from './contract';
import type { ActionContext, Deps } from './ports';

export type Handlers<F extends FunctionName> = {
  [A in ActionsOf<F>]: (input: ParsedInputOf<A>, context: ActionContext) => Promise<OutputOf<A>>;
};

/** Work a timer trigger runs (no caller). */
export type TimerJob = (deps: Deps) => Promise<Record<string, unknown>>;

/**
 * Work the deployer runs through WeChat's server API (`tcb/invokecloudfunction`, SOURCE wx_http,
 * no caller): only whoever holds the AppSecret can. Named by the event's `action`.
 */
export type ServerJob = (deps: Deps) => Promise<Record<string, unknown>>;
