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

/**
 * The range the control API may move the clock within: 1970-01-01T00:00:00Z to
 * 9700-01-01T00:00:00Z. Go's JSON time encoding fails outside years 0–9999
 * (mock/go/time.ts), and an expiry is now plus a Go Duration (at most ±292 years,
 * goAddSecondsUnix), so from any clock in this range every expiry a key or token can get
 * stays writable — no list can hold a row Grafana could not encode (Grafana itself would answer
 * such a list, for every caller, with 500 "body json marshal": pkg/api/response Respond).
 */
export const CLOCK_MIN_MS = 0;
export const CLOCK_MAX_MS = Date.UTC(9700, 0, 1);
export const CLOCK_RANGE = '1970-01-01T00:00:00Z to 9700-01-01T00:00:00Z';

/** ISO 8601 of `ms` for the mock's own records (journal, control API); never throws. */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `invalid time (${ms} ms since the epoch)` : d.toISOString();
}
