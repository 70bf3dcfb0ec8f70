/** pool_health's windows: 10 minutes aligned to UTC (the epoch is a multiple of 10 minutes). */
export const WINDOW_MS = 10 * 60_000;

export interface WindowDelta {
  anchors: number;
  displayed: number;
  locked: number;
  available: number;
  cooling: number;
  sessions: number;
  overflow_displays: number;
}

export type WindowColumn = keyof WindowDelta;

export function windowOf(at: Date | string): number {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return Math.floor(ms / WINDOW_MS) * WINDOW_MS;
}

/** Accumulates the changes of one batch per window; only non-zero windows are written. */
export class WindowDeltas {
  private readonly byWindow = new Map<number, WindowDelta>();

  add(at: Date | string | number, column: WindowColumn, by: number): void {
    const window = typeof at === 'number' ? at : windowOf(at);
    const delta = this.byWindow.get(window) ?? emptyDelta();
    delta[column] += by;
    this.byWindow.set(window, delta);
  }

  /** A session counts from its first window through its last: +1 where it starts, -1 after its last. */
  session(first: Date | string, last: Date | string, sign: 1 | -1): void {
    this.add(first, 'sessions', sign);
    this.add(first, 'anchors', sign);
    this.add(last, 'anchors', sign);
    this.add(windowOf(last) + WINDOW_MS, 'sessions', -sign);
  }

  /** In window order, so concurrent batches lock the rows in one order. */
  rows(): Array<{ window_start: string } & WindowDelta> {
    return [...this.byWindow]
      .filter(([, delta]) => Object.values(delta).some((value) => value !== 0))
      .sort(([a], [b]) => a - b)
      .map(([window, delta]) => ({ window_start: new Date(window).toISOString(), ...delta }));
  }
}

function emptyDelta(): WindowDelta {
  return { anchors: 0, displayed: 0, locked: 0, available: 0, cooling: 0, sessions: 0, overflow_displays: 0 };
}
