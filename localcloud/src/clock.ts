/**
 * The local cloud's notion of now: real time plus an offset a test (or the console) can move
 * forward, so timers and time-dependent rules can be exercised without waiting. The offset may
 * start negative (a cloud started "in the past", e.g. just before a public holiday); from there it
 * still only moves forward.
 */
export class Clock {
  private offsetMs: number;

  constructor(private readonly initialOffsetMs = 0) {
    if (!Number.isFinite(initialOffsetMs)) throw new Error('the initial clock offset must be a finite number');
    this.offsetMs = initialOffsetMs;
  }

  /** A clock whose now is `startAt` at the moment it is made. */
  static startingAt(startAt: Date): Clock {
    return new Clock(startAt.getTime() - Date.now());
  }

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

  /** Back to the offset it started with. */
  reset(): void {
    this.offsetMs = this.initialOffsetMs;
  }

  toJSON() {
    return { now: new Date(this.now()).toISOString(), offsetMs: this.offsetMs };
  }
}
