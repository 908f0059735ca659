/**
 * The mock's clock. Real time plus an offset that the control API moves (`/__mock/clock`), so
 * that expiry (grafana-auth §4) can be tested without waiting. Tests may pass a fixed base.
 */
export interface Clock {
  /** Current time in milliseconds since the epoch. */
  nowMs(): number;
  /** Current time in whole unix seconds, as Grafana compares expiry (grafana-auth §4). */
  nowUnix(): number;
  /** Moves the clock by `seconds` (may be negative). */
  advance(seconds: number): void;
  /** Sets the clock so that it reads `ms` now and keeps running from there. */
  set(ms: number): void;
  /** Offset from the base time source, in milliseconds. */
  offsetMs(): number;
  reset(): void;
}

export function createClock(base: () => number = Date.now): Clock {
  let offset = 0;
  const nowMs = (): number => base() + offset;
  return {
    nowMs,
    nowUnix: () => Math.floor(nowMs() / 1000),
    advance(seconds) {
      offset += seconds * 1000;
    },
    set(ms) {
      offset = ms - base();
    },
    offsetMs: () => offset,
    reset() {
      offset = 0;
    },
  };
}
