/** Fires timer triggers from config.json on the local clock (Asia/Shanghai, 7-field cron). */
import type { Clock } from './clock';
import { type FunctionDefinition, parseTimerCron } from './functions/registry';

/** Guards against a per-second cron and an advance of a year firing millions of times. */
const MAX_FIRES_PER_TRIGGER = 10_000;

export interface TimerFire {
  definition: FunctionDefinition;
  at: Date;
}

export class TimerScheduler {
  private lastChecked: number;
  private interval: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly functions: () => FunctionDefinition[],
    private readonly fire: (fire: TimerFire) => Promise<void>,
  ) {
    this.lastChecked = clock.now();
  }

  /** Checks every second in real time. */
  start(): void {
    this.interval = setInterval(() => void this.tick(), 1000);
    this.interval.unref();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }

  /** Moves the clock forward and fires, in time order, every trigger due in between. */
  advance(ms: number): Promise<TimerFire[]> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new Error('the clock only moves forward'));
    return this.tick(ms);
  }

  /** Fires what is due between the last check and now (plus `advanceMs`); ticks never overlap. */
  tick(advanceMs = 0): Promise<TimerFire[]> {
    const result = this.running.then(() => this.fireDue(advanceMs));
    this.running = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async fireDue(advanceMs: number): Promise<TimerFire[]> {
    const from = this.lastChecked;
    const targetOffset = this.clock.offset + advanceMs;
    const to = this.clock.now() + advanceMs;
    this.lastChecked = to;
    const due: TimerFire[] = [];
    for (const definition of this.functions()) {
      if (!definition.trigger || definition.error) continue;
      const cron = parseTimerCron(definition.trigger.cron);
      let next = cron.nextRun(new Date(from));
      let count = 0;
      while (next && next.getTime() <= to && count < MAX_FIRES_PER_TRIGGER) {
        due.push({ definition, at: next });
        next = cron.nextRun(next);
        count += 1;
      }
    }
    due.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const item of due) {
      // Step the clock to each fire time, so the function sees the moment it fired as "now".
      this.clock.advance(Math.max(0, Math.min(item.at.getTime() - this.clock.now(), targetOffset - this.clock.offset)));
      await this.fire(item);
    }
    this.clock.advance(Math.max(0, targetOffset - this.clock.offset));
    return due;
  }
}
