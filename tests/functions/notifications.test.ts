/**
 * The subscribe messages people used to miss, read from the local cloud's outbox: the other side of
 * a cancellation and of a 退单, the 派单 message opening the volunteer's tasks, and the timers'
 * reminders before an accepted order's time and before an activity starts (once, however often the
 * timer runs). A message nobody subscribed to is simply not sent; the action goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputOf, OrderView } from '../../core/contract';
import type { Activity, Order } from '../../core/model';
import { formatLocal } from '../../core/time';
import type { LocalCloud } from '../../localcloud/src/server';
import { control } from '../helpers/localcloud';
import { approveRuleChanges, call, DEMO, ok, startLinli } from '../helpers/linli';
import { doc, GENEROUS_ORDER_LIMITS, seed, seedVolunteer, setCommunitySettings } from '../helpers/seed';

const MINUTE = 60_000;
const VOLUNTEER = 'nt-volunteer';
const SECOND_VOLUNTEER = 'nt-volunteer-2';
const TEMPLATES = {
  assigned: 'TPL_ORDER_ASSIGNED',
  cancelled: 'TPL_ORDER_CANCELLED',
  handedBack: 'TPL_ORDER_HANDED_BACK',
  orderReminder: 'TPL_ORDER_REMINDER',
  activityReminder: 'TPL_ACTIVITY_REMINDER',
} as const;

interface Sent {
  touser: string;
  template_id: string;
  page: string;
  data: Record<string, { value: string }>;
}

let sequence = 0;
const requestId = () => `nt-${process.pid}-${String(++sequence).padStart(5, '0')}`;

describe('notifications', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    // Only the two timers these tests look at run as the clock moves.
    cloud = await startLinli({ timers: ['dispatch', 'activity'] });
    setCommunitySettings(cloud, GENEROUS_ORDER_LIMITS);
    seedVolunteer(cloud, VOLUNTEER, '钱志愿', { skills: ['送餐'] });
    seedVolunteer(cloud, SECOND_VOLUNTEER, '孙志愿', { skills: ['送餐'] });
  });
  afterAll(() => cloud.close());

  const outbox = async () => (await control<{ messages: Sent[] }>(cloud, 'GET', 'outbox')).messages;
  const sent = async (touser: string, template: string) => (await outbox()).filter((m) => m.touser === touser && m.template_id === template);
  /** Enough subscriptions that a second message would go out: a missing one must be the code's doing. */
  const subscribe = (openid: string, templateId: string) => control(cloud, 'POST', 'subscriptions', { openid, templateId, count: 5 });
  const now = async () => new Date((await control<{ now: string }>(cloud, 'GET', 'clock')).now);
  const advance = (ms: number) => control<{ fired: Array<{ name: string }> }>(cloud, 'POST', 'clock', { advanceMs: ms });
  const stored = (id: string) => doc<Order>(cloud, 'orders', id)!;

  async function order(input: Partial<InputOf<'order.create'>> = {}): Promise<OrderView> {
    return ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-meal', description: '请帮忙送一份午餐', clientRequestId: requestId(), ...input })).order;
  }
  async function accepted(volunteer = VOLUNTEER, input: Partial<InputOf<'order.create'>> = {}): Promise<OrderView> {
    const placed = await order(input);
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: placed.id, volunteerOpenid: volunteer }));
    return ok(await call(cloud, volunteer, 'dispatch.accept', { orderId: placed.id })).order;
  }

  it('the 派单 message opens the volunteer’s task page, not the resident’s order page', async () => {
    await subscribe(VOLUNTEER, TEMPLATES.assigned);
    const placed = await order();
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: placed.id, volunteerOpenid: VOLUNTEER }));
    const [message] = await sent(VOLUNTEER, TEMPLATES.assigned);
    expect(message).toMatchObject({ page: 'volunteer/tasks/index', data: { thing1: { value: '助餐送餐' } } });
    ok(await call(cloud, VOLUNTEER, 'dispatch.decline', { orderId: placed.id, reason: '今天不在社区' }));
  });

  it('a resident cancelling tells the volunteer who accepted or was assigned the order; nobody when none was', async () => {
    await subscribe(VOLUNTEER, TEMPLATES.cancelled);
    const taken = await accepted();
    ok(await call(cloud, DEMO.resident, 'order.cancel', { orderId: taken.id, reason: '家里人已经送来了' }));
    const [notice] = await sent(VOLUNTEER, TEMPLATES.cancelled);
    expect(notice).toMatchObject({
      page: `pages/order-detail/index?id=${taken.id}`,
      data: { thing1: { value: '助餐送餐' }, thing4: { value: '取消原因：家里人已经送来了' } },
    });

    const assignedOnly = await order();
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: assignedOnly.id, volunteerOpenid: VOLUNTEER }));
    ok(await call(cloud, DEMO.staff, 'order.cancel', { orderId: assignedOnly.id, reason: '居民电话说不需要了' }));
    expect(await sent(VOLUNTEER, TEMPLATES.cancelled)).toHaveLength(2);

    const before = (await outbox()).length;
    const waiting = await order();
    ok(await call(cloud, DEMO.resident, 'order.cancel', { orderId: waiting.id, reason: '不需要了' }));
    expect(await outbox()).toHaveLength(before);
  });

  it('a 退单 tells the resident the order waits again; declining an assignment they never heard of does not', async () => {
    await subscribe(DEMO.resident, TEMPLATES.handedBack);
    const taken = await accepted();
    ok(await call(cloud, VOLUNTEER, 'dispatch.decline', { orderId: taken.id, reason: '临时要加班，去不了' }));
    const [notice] = await sent(DEMO.resident, TEMPLATES.handedBack);
    expect(notice).toMatchObject({ page: `pages/order-detail/index?id=${taken.id}`, data: { thing1: { value: '助餐送餐' }, thing4: { value: '社区将尽快为您另行安排志愿者' } } });

    const assignedOnly = await order();
    ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: assignedOnly.id, volunteerOpenid: VOLUNTEER }));
    ok(await call(cloud, VOLUNTEER, 'dispatch.decline', { orderId: assignedOnly.id, reason: '今天不在社区' }));
    expect(await sent(DEMO.resident, TEMPLATES.handedBack)).toHaveLength(1);
  });

  it('a message nobody subscribed to is not sent, and the action goes through', async () => {
    const taken = await accepted(SECOND_VOLUNTEER);
    const cancelled = ok(await call(cloud, DEMO.resident, 'order.cancel', { orderId: taken.id, reason: '不需要了' })).order;
    expect(cancelled.status).toBe('cancelled');
    expect(await sent(SECOND_VOLUNTEER, TEMPLATES.cancelled)).toEqual([]);
  });

  it('two runs of the timer at the same moment send one reminder', async () => {
    await subscribe(SECOND_VOLUNTEER, TEMPLATES.orderReminder);
    const taken = await accepted(SECOND_VOLUNTEER);
    // Due now, between two of the timer's 5-minute runs.
    seed(cloud, 'orders', [{ ...stored(taken.id), remindAt: new Date((await now()).getTime() - MINUTE) }]);
    const run = () =>
      cloud.runtime.invoke({ name: 'dispatch', event: { Type: 'Timer', TriggerName: 'requeueAndOverdue', Time: new Date().toISOString(), Message: '' }, identity: { openid: null, appid: 'wx-test' }, source: 'wx_trigger' });
    const outcomes = await Promise.all([run(), run()]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
    expect(await sent(SECOND_VOLUNTEER, TEMPLATES.orderReminder)).toHaveLength(1);
    expect(stored(taken.id).remindAt).toBeUndefined();
    ok(await call(cloud, SECOND_VOLUNTEER, 'dispatch.complete', { orderId: taken.id, summary: '已送达', minutes: 20 }));
  });

  // Move the clock: keep last.
  describe('timers', () => {
    it('reminds the volunteer an hour before the resident’s preferred time, once however often the timer runs', async () => {
      await subscribe(VOLUNTEER, TEMPLATES.orderReminder);
      const start = await now();
      // Past the meal service's 4-hour due time: the resident's time is what counts.
      const preferred = new Date(Math.ceil((start.getTime() + 6 * 60 * MINUTE) / MINUTE) * MINUTE);
      const taken = await accepted(VOLUNTEER, { preferredTime: formatLocal(preferred) });
      expect(stored(taken.id).remindAt).toEqual(new Date(preferred.getTime() - 60 * MINUTE));

      await advance(preferred.getTime() - 60 * MINUTE - (await now()).getTime() - MINUTE);
      expect(await sent(VOLUNTEER, TEMPLATES.orderReminder)).toEqual([]);
      await advance(6 * MINUTE);
      const reminders = await sent(VOLUNTEER, TEMPLATES.orderReminder);
      expect(reminders).toHaveLength(1);
      expect(reminders[0]).toMatchObject({ page: 'volunteer/tasks/index', data: { thing1: { value: '助餐送餐' }, time3: { value: formatLocal(preferred) }, thing4: { value: '居民期望的服务时间快到了' } } });
      expect(stored(taken.id).remindedAt).toBeDefined();

      // The timer runs on (every 5 minutes): nothing is sent twice.
      const { fired } = await advance(30 * MINUTE);
      expect(fired.filter((fire) => fire.name === 'dispatch').length).toBeGreaterThanOrEqual(5);
      expect(await sent(VOLUNTEER, TEMPLATES.orderReminder)).toHaveLength(1);
    });

    it('without a time it can read, before the due time; a volunteer who takes it over after a 退单 is reminded, the one who left is not', async () => {
      const taken = await accepted(VOLUNTEER, { preferredTime: '尽快' });
      expect(stored(taken.id).remindAt).toEqual(new Date(new Date(stored(taken.id).dueAt).getTime() - 60 * MINUTE));
      ok(await call(cloud, VOLUNTEER, 'dispatch.decline', { orderId: taken.id, reason: '临时有事' }));
      expect(stored(taken.id).remindAt).toBeUndefined();
      await subscribe(SECOND_VOLUNTEER, TEMPLATES.orderReminder);
      const before = (await sent(SECOND_VOLUNTEER, TEMPLATES.orderReminder)).length;
      ok(await call(cloud, SECOND_VOLUNTEER, 'dispatch.accept', { orderId: taken.id }));
      const reminded = (await sent(VOLUNTEER, TEMPLATES.orderReminder)).length;

      await advance(4 * 60 * MINUTE);
      expect(await sent(SECOND_VOLUNTEER, TEMPLATES.orderReminder)).toHaveLength(before + 1);
      expect((await sent(SECOND_VOLUNTEER, TEMPLATES.orderReminder)).at(-1)?.data.thing4).toEqual({ value: '订单即将到办理时限' });
      expect(await sent(VOLUNTEER, TEMPLATES.orderReminder)).toHaveLength(reminded);
    });

    it('reminds the volunteers enrolled in an activity before it starts, once; not those waiting or withdrawn', async () => {
      const start = await now();
      const created = ok(
        await call(cloud, DEMO.staff, 'activity.create', {
          name: '社区绿地清洁',
          content: '清理绿化带垃圾',
          place: '幸福里社区中心花园',
          capacity: 1,
          pointsPerHour: 10,
          startAt: new Date(start.getTime() + 5 * 60 * MINUTE).toISOString(),
          endAt: new Date(start.getTime() + 7 * 60 * MINUTE).toISOString(),
          clientRequestId: requestId(),
        }),
      );
      await approveRuleChanges(cloud);
      for (const openid of [VOLUNTEER, SECOND_VOLUNTEER]) {
        await subscribe(openid, TEMPLATES.activityReminder);
        ok(await call(cloud, openid, 'activity.signUp', { activityId: created.id }));
      }
      const page = `volunteer/activity/index?id=${created.id}`;
      const remindersOf = async () => (await outbox()).filter((m) => m.template_id === TEMPLATES.activityReminder && m.page === page);

      // More than two hours before the start: nothing yet.
      await advance(2 * 60 * MINUTE + 50 * MINUTE);
      expect(await remindersOf()).toEqual([]);
      const { fired } = await advance(20 * MINUTE);
      expect(fired.some((fire) => fire.name === 'activity')).toBe(true);
      const reminders = await remindersOf();
      // SECOND_VOLUNTEER waits for a place (capacity 1): only the enrolled one is told.
      expect(reminders.map((m) => m.touser)).toEqual([VOLUNTEER]);
      expect(reminders[0]).toMatchObject({ data: { thing1: { value: '社区绿地清洁' }, thing3: { value: '幸福里社区中心花园' }, thing4: { value: '活动即将开始，请准时到场签到' } } });
      expect(doc<Activity>(cloud, 'activities', created.id)!.remindedAt).toBeDefined();

      // The timer runs again and again until the start: still one.
      await advance(90 * MINUTE);
      expect(await remindersOf()).toHaveLength(1);
    });
  });
});
