/**
 * How an action is declared: who may call it and what it takes (a zod schema). Its reply type is
 * a phantom type parameter, so the mini-program gets typed replies without any runtime cost.
 */
import type { z } from 'zod';
import type { Role } from '../model';

/** `registered`: any caller who has joined a community (any stored role). `anyone`: no check. */
export type Audience = Role | 'registered' | 'anyone';

export interface ActionSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  roles: readonly Audience[];
  input: I;
  /** false: the handler never reads `caller.volunteer`, so the router does not load it (one read fewer). */
  withVolunteer?: boolean;
  /** Phantom: never set at runtime. */
  readonly output?: O;
}

export const action =
  <O>() =>
  <I extends z.ZodType>(spec: { roles: readonly Audience[]; input: I; withVolunteer?: boolean }): ActionSpec<I, O> =>
    spec;

/** Dates travel as ISO strings in replies. */
export type Iso = string;
