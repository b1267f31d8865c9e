/**
 * The local cloud's notion of now: real time plus an offset a test (or the console) can move
 * forward, so timers and time-dependent rules can be exercised without waiting.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('the clock only moves forward');
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  toJSON() {
    return { now: new Date(this.now()).toISOString(), offsetMs: this.offsetMs };
  }
}
