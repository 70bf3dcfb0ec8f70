import { ClockWentBackwardsError, ManualClock } from './clock';

describe('ManualClock', () => {
  it('moves only when told, and never backwards', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    clock.advanceTo(new Date('2026-01-01T00:10:00Z'));
    expect(clock.now().toISOString()).toBe('2026-01-01T00:10:00.000Z');
    clock.advanceTo(new Date('2026-01-01T00:10:00Z'));
    expect(() => clock.advanceTo(new Date('2026-01-01T00:09:59Z'))).toThrow(ClockWentBackwardsError);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:10:00.000Z');
  });

  it('catches up to the newest event in the log but never goes back for an older one', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    clock.catchUpTo(new Date('2025-12-31T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    clock.catchUpTo(new Date('2026-02-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });
});
