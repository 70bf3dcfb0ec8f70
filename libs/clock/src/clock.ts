/**
 * Every time-dependent decision reads an injected Clock (CONTRACT.md, Clock):
 * `wall` in production, `manual` for simulations and acceptance checks, where
 * time only moves through POST /internal/clock.
 */
export interface Clock {
  readonly kind: 'wall' | 'manual';
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export class WallClock implements Clock {
  readonly kind = 'wall' as const;
  now(): Date {
    return new Date();
  }
}

export class ClockWentBackwardsError extends Error {
  constructor(
    readonly current: Date,
    readonly requested: Date,
  ) {
    super(`clock is at ${current.toISOString()}; cannot move back to ${requested.toISOString()}`);
  }
}

export class ManualClock implements Clock {
  readonly kind = 'manual' as const;
  private current: Date;

  constructor(start: Date = new Date()) {
    this.current = new Date(start.getTime());
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  /** Moves forward (or stays); moving back is refused, because expiries already committed cannot be undone. */
  advanceTo(instant: Date): void {
    if (instant.getTime() < this.current.getTime()) throw new ClockWentBackwardsError(this.current, instant);
    this.current = new Date(instant.getTime());
  }

  /** At start-up: never behind the newest event already in the log. */
  catchUpTo(instant: Date): void {
    if (instant.getTime() > this.current.getTime()) this.current = new Date(instant.getTime());
  }
}

export function createClock(kind: 'wall' | 'manual', start?: Date): Clock {
  return kind === 'manual' ? new ManualClock(start) : new WallClock();
}
