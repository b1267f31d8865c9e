/**
 * How an action is declared: who may call it and what it takes (a zod schema). Its reply type is
 * a phantom type parameter, so the mini-program gets typed replies without any runtime cost.
 */
import type { z } from 'zod';
import type { CollectionName, Role } from '../model';
import type { Read } from '../ports';

/** `registered`: any caller who has joined a community (any stored role). `anyone`: no check. */
export type Audience = Role | 'registered' | 'anyone';

export interface ActionSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  roles: readonly Audience[];
  input: I;
  /**
   * Documents the action reads by what its input names (the order of an order id, …): the router
   * reads them in the one request that resolves the caller (core/caller.ts) instead of one request
   * each. The handler finds them in `context.preread` under the same keys. `openid`: the caller's.
   */
  reads?: (input: z.output<I>, openid: string) => Record<string, Read>;
  /** Phantom: never set at runtime. */
  readonly output?: O;
}

export const action =
  <O>() =>
  <I extends z.ZodType>(spec: { roles: readonly Audience[]; input: I; reads?: (input: z.output<I>, openid: string) => Record<string, Read> }): ActionSpec<I, O> =>
    spec;

/** A read of one document by its _id. */
export const byId = (from: CollectionName, id: string): Read => ({ from, where: { _id: id }, limit: 1 });

/** Dates travel as ISO strings in replies. */
export type Iso = string;
