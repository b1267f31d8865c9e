/**
 * The contract between the mini-program and the cloud functions: every `function.action`, who may
 * call it, its input schema and its reply type. The function that serves an action is the part of
 * its name before the dot.
 */
import type { z } from 'zod';
import { auditActions } from './audit';
import type { ActionSpec } from './define';
import { marketActions } from './market';
import { orderActions } from './orders';
import { peopleActions } from './people';
import { serviceActions } from './service';

export const contract = { ...peopleActions, ...orderActions, ...marketActions, ...serviceActions, ...auditActions } as const;

export type Contract = typeof contract;
export type ActionName = keyof Contract;
export type FunctionName = ActionName extends `${infer F}.${string}` ? F : never;
export type ActionsOf<F extends FunctionName> = Extract<ActionName, `${F}.${string}`>;

export type InputOf<A extends ActionName> = z.input<Contract[A]['input']>;
export type ParsedInputOf<A extends ActionName> = z.output<Contract[A]['input']>;
export type OutputOf<A extends ActionName> = Contract[A] extends ActionSpec<z.ZodType, infer O> ? O : never;

export const functionOf = (name: ActionName): FunctionName => name.split('.')[0] as FunctionName;

export * from './define';
export type { Page } from './fields';
export type * from './audit';
export type * from './market';
export type * from './orders';
export type * from './people';
export type * from './service';
