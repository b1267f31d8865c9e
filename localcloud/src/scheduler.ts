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
  async advance(ms: number): Promise<TimerFire[]> {
    this.clock.advance(ms);
    return this.tick();
  }

  /** Fires what is due between the last check and now; ticks never overlap. */
  tick(): Promise<TimerFire[]> {
    const result = this.running.then(() => this.fireDue());
    this.running = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async fireDue(): Promise<TimerFire[]> {
    const from = this.lastChecked;
    const to = this.clock.now();
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
    for (const item of due) await this.fire(item);
    return due;
  }
}
