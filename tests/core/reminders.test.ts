/** When volunteers are reminded: the 期望时间 people write, read as a moment in Beijing time. */
import { describe, expect, it } from 'vitest';
import { orderReminderAt, preferredMoment } from '../../core/reminders';

// Placed on Friday 2026-11-20 at 10:00 Beijing time.
const placed = new Date('2026-11-20T02:00:00Z');
const beijing = (text: string) => new Date(`${text}+08:00`);

describe('preferredMoment', () => {
  it.each([
    ['2026-11-22 14:00', '2026-11-22T14:00:00'],
    ['2026年11月23日 上午9点', '2026-11-23T09:00:00'],
    ['11月21日下午3点半', '2026-11-21T15:30:00'],
    ['明天上午9点', '2026-11-21T09:00:00'],
    ['明天上午', '2026-11-21T09:00:00'],
    ['后天晚上7:30', '2026-11-22T19:30:00'],
    ['今天下午', '2026-11-20T14:00:00'],
    ['下午3点', '2026-11-20T15:00:00'],
    // 9 o'clock has passed today: tomorrow's.
    ['9点', '2026-11-21T09:00:00'],
    // Written in late November, January is next year's.
    ['1月3日 10:00', '2027-01-03T10:00:00'],
  ])('%s', (text, expected) => {
    expect(preferredMoment(text, placed)).toEqual(beijing(expected));
  });

  it.each(['尽快', '周末', '明天', '', '2月30日 10点', '明天25点', '11月22日'])('names no moment: %s', (text) => {
    expect(preferredMoment(text, placed)).toBeNull();
  });
});

describe('orderReminderAt', () => {
  const order = { createdAt: placed, dueAt: beijing('2026-11-20T14:00:00') };

  it('an hour before the preferred time, or else before the due time', () => {
    expect(orderReminderAt({ ...order, preferredTime: '明天上午9点' }, placed)).toEqual(beijing('2026-11-21T08:00:00'));
    expect(orderReminderAt({ ...order, preferredTime: '尽快' }, placed)).toEqual(beijing('2026-11-20T13:00:00'));
  });

  it('none when that moment has passed by the time it is accepted', () => {
    expect(orderReminderAt(order, beijing('2026-11-20T13:00:00'))).toBeNull();
    expect(orderReminderAt(order, beijing('2026-11-20T12:59:00'))).toEqual(beijing('2026-11-20T13:00:00'));
  });
});
