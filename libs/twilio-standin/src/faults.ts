export type StandInMode = 'ok' | 'fail' | 'rate_limit' | 'slow';

export interface ModeSetting {
  mode: StandInMode;
  /** For `slow`: how long each answer is held back; default 10 000 ms (the adapter gives up at 5 000). */
  delayMs?: number;
  /** Only the next `times` API requests get this mode, then it is `ok` again; unlimited when absent. */
  times?: number;
}

export interface ModeState {
  mode: StandInMode;
  delayMs: number;
  /** Requests left in this mode; null means until changed. */
  remaining: number | null;
}

export const DEFAULT_SLOW_DELAY_MS = 10_000;
const MODES: readonly StandInMode[] = ['ok', 'fail', 'rate_limit', 'slow'];

/** The fault switch: which misbehaviour the next API request gets. */
export class FaultSwitch {
  private state: ModeState = { mode: 'ok', delayMs: DEFAULT_SLOW_DELAY_MS, remaining: null };

  set(setting: ModeSetting): ModeState {
    const problem = invalidSetting(setting);
    if (problem) throw new Error(problem);
    this.state = {
      mode: setting.mode,
      delayMs: setting.delayMs ?? DEFAULT_SLOW_DELAY_MS,
      remaining: setting.times ?? null,
    };
    return this.current();
  }

  current(): ModeState {
    return { ...this.state };
  }

  /** The mode for the request arriving now, using up one of `times`. */
  take(): ModeState {
    const taken = this.current();
    if (this.state.remaining !== null && this.state.mode !== 'ok') {
      this.state.remaining -= 1;
      if (this.state.remaining <= 0) this.state = { ...this.state, mode: 'ok', remaining: null };
    }
    return taken;
  }
}

export function invalidSetting(setting: Partial<ModeSetting> | undefined): string | undefined {
  if (!setting || !MODES.includes(setting.mode as StandInMode)) return `mode must be one of ${MODES.join(', ')}`;
  if (setting.delayMs !== undefined && !(Number.isInteger(setting.delayMs) && setting.delayMs >= 0)) {
    return 'delayMs must be a non-negative integer';
  }
  if (setting.times !== undefined && !(Number.isInteger(setting.times) && setting.times > 0)) {
    return 'times must be a positive integer';
  }
  return undefined;
}
