/**
 * The contract between the mini-program and the cloud functions: every `function.action`, who may
 * call it, its input schema and its reply type. The function that serves an action is the part of
 * its name before the dot, and its actions are declared in the file of that name (contract/order.ts
 * for `order.*`).
 */
import type { z } from 'zod';
import { activityActions } from './activity';
import { affairActions } from './affair';
import { catalogActions } from './catalog';
import { certificateActions } from './certificate';
import { communityActions } from './community';
import type { ActionSpec } from './define';
import { departmentActions } from './department';
import { dispatchActions } from './dispatch';
import { householdActions } from './household';
import { mallActions } from './mall';
import { orderActions } from './order';
import { patrolActions } from './patrol';
import { pointsActions } from './points';
import { recordActions } from './record';
import { reportActions } from './report';
import { scoringActions } from './scoring';
import { statsActions } from './stats';
import { userActions } from './user';
import { volunteerActions } from './volunteer';

export const contract = {
  ...userActions,
  ...communityActions,
  ...catalogActions,
  ...volunteerActions,
  ...orderActions,
  ...dispatchActions,
  ...scoringActions,
  ...pointsActions,
  ...mallActions,
  ...statsActions,
  ...activityActions,
  ...recordActions,
  ...certificateActions,
  ...reportActions,
  ...departmentActions,
  ...affairActions,
  ...patrolActions,
  ...householdActions,
} as const;

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
export type * from './activity';
export type * from './affair';
export type * from './catalog';
export type * from './certificate';
export type * from './community';
export type * from './community-setup';
export type * from './department';
export type * from './dispatch';
export type * from './mall';
export type * from './order';
export type * from './patrol';
export type * from './points';
export type * from './record';
export type * from './report';
export type * from './holidays';
export type * from './household';
export type * from './scoring';
export type * from './stats';
export type * from './user';
export type * from './volunteer';
