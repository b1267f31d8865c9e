/**
 * Database requests are what an action costs on WeChat's cloud (latency and quota). The counts the
 * local cloud records per invocation are held against the budget in bench/request-budget.json, so
 * a change that makes the loop or a page's first screen dearer fails here; `npm run bench` prints
 * the same table. Lowering a count: lower the budget with it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_ACTIONS, call, FIRST_SCREENS, firstScreens, LOOP_ACTIONS, requestsOf, runActivityLoop, runLoop } from '../../bench/requests';
import type { LocalCloud } from '../../localcloud/src/server';
import { startLinli } from '../helpers/linli';
import { REPO_ROOT } from '../helpers/localcloud';

interface Budget {
  loopTotal: number;
  /** No single action above this, scoring and redeem included (each still one transaction). */
  perAction: number;
  loop: Record<string, number>;
  /** The actions outside the loop that write records or move points. */
  activity: Record<string, number>;
  firstScreen: Record<string, number>;
}

const budget = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bench/request-budget.json'), 'utf8')) as Budget;

describe('database requests stay within the recorded budget', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
  });
  afterAll(() => cloud.close());

  // Each call may start a function's worker: minutes on a busy machine, not seconds.
  it('one order through the whole loop, and each action of it', { timeout: 120_000 }, async () => {
    const counts = await runLoop(cloud, 'budget');
    const totals = Object.fromEntries(LOOP_ACTIONS.map((action) => [action, counts[action].total]));
    // Every action's budget is recorded, and none exceeds the per-action ceiling.
    expect(Object.keys(budget.loop).sort()).toEqual([...LOOP_ACTIONS].sort());
    for (const action of LOOP_ACTIONS) {
      expect(totals[action], `${action}: ${totals[action]} requests, budget ${budget.loop[action]}`).toBeLessThanOrEqual(budget.loop[action]!);
    }
    const total = Object.values(totals).reduce((a, b) => a + b, 0);
    expect(total, `the loop took ${total} requests: ${JSON.stringify(totals)}`).toBeLessThanOrEqual(budget.loopTotal);
    expect(Math.max(...Object.values(budget.loop))).toBeLessThanOrEqual(budget.perAction);
    // A transaction each where points or stock move.
    expect(counts['scoring.score'].transactions).toBe(1);
    expect(counts['mall.redeem'].transactions).toBe(1);
  });

  it('a repeated request (a double tap, a resend after a lost reply) costs one attempt more, not twelve', { timeout: 120_000 }, async () => {
    // The loop above made these; the same request ids again return what they made.
    const order = await call(cloud, 'demo-resident', 'order.create', { serviceId: 'svc-meal', description: '中午送一份午餐到家', clientRequestId: 'loop-budget-order' });
    expect(order.order.status).toBe('closed');
    const again = requestsOf(cloud, 'order.create');
    expect(again.transactions, JSON.stringify(again)).toBeLessThanOrEqual(2);
    expect(again.total).toBeLessThanOrEqual(2 * budget.loop['order.create']!);
    const { redemption } = await call(cloud, 'demo-volunteer', 'mall.redeem', { goodsId: 'goods-towel', quantity: 1, clientRequestId: 'loop-budget-redeem' });
    expect(redemption.status).toBe('fulfilled');
    const redeemedAgain = requestsOf(cloud, 'mall.redeem');
    expect(redeemedAgain.transactions, JSON.stringify(redeemedAgain)).toBeLessThanOrEqual(2);
    expect(redeemedAgain.total).toBeLessThanOrEqual(2 * budget.loop['mall.redeem']!);
  });

  it('an activity through check-out with points, a correction, a certificate and a good deed', { timeout: 120_000 }, async () => {
    const counts = await runActivityLoop(cloud, 'budget');
    expect(Object.keys(budget.activity).sort()).toEqual([...ACTIVITY_ACTIONS].sort());
    for (const action of ACTIVITY_ACTIONS) {
      const { total } = counts[action];
      expect(total, `${action}: ${total} requests, budget ${budget.activity[action]}`).toBeLessThanOrEqual(budget.activity[action]!);
    }
    expect(Math.max(...Object.values(budget.activity))).toBeLessThanOrEqual(budget.perAction);
    // The check-out posted its points (the costliest path), in its one transaction.
    expect(counts['activity.checkOut'].transactions).toBe(1);
    expect(counts['activity.checkOut'].writes).toBeGreaterThanOrEqual(4);
  });

  it('the first screen of every page', { timeout: 120_000 }, async () => {
    const rows = await firstScreens(cloud);
    expect(Object.keys(budget.firstScreen).sort()).toEqual(FIRST_SCREENS.map((screen) => `${screen.action} ${screen.page}`).sort());
    for (const row of rows) {
      const key = `${row.action} ${row.page}`;
      expect(row.requests.total, `${key}: ${row.requests.total} requests, budget ${budget.firstScreen[key]}`).toBeLessThanOrEqual(budget.firstScreen[key]!);
    }
  });
});
