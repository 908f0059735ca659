/** Go's `time` package semantics that the mock copies: Duration arithmetic and JSON formatting. */

/** Go: src/time/time.go `maxDuration` — a Duration is an int64 count of nanoseconds (±~292 years). */
export const MAX_DURATION_SECONDS = 9_223_372_036.854775807;

/**
 * Go: src/time/format.go — Time.MarshalJSON fails outside years 0–9999 ("year outside of range
 * [0,9999]"); the last instant it can write, in unix milliseconds (9999-12-31T23:59:59.999Z).
 */
export const GO_JSON_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The first instant Time.MarshalJSON can write: 0000-01-01T00:00:00Z. */
export const GO_JSON_MIN_MS = -62_167_219_200_000;

const NS_PER_S = 1_000_000_000n;

/**
 * Go: `t.Add(time.Second * time.Duration(seconds)).Unix()` for a `t` of `nowMs`. The product
 * `time.Second * d` is int64 arithmetic that wraps silently (src/time/time.go: Duration is an
 * int64; Go's integer overflow wraps), so a TTL beyond ~292 years lands somewhere within ±292
 * years of now — possibly in the past. Time.Add carries the nanoseconds (src/time/time.go Add).
 * `seconds` must be an integer.
 */
export function goAddSecondsUnix(nowMs: number, seconds: number): number {
  const d = BigInt.asIntN(64, NS_PER_S * BigInt(seconds));
  const ms = Math.floor(nowMs);
  let sec = BigInt(Math.floor(ms / 1000));
  let nsec = BigInt(ms - Math.floor(ms / 1000) * 1000) * 1_000_000n;
  sec += d / NS_PER_S; // truncated toward zero, as Go's integer division
  nsec += d % NS_PER_S; // the remainder takes the dividend's sign, as in Go
  if (nsec >= NS_PER_S) {
    sec += 1n;
    nsec -= NS_PER_S;
  } else if (nsec < 0n) {
    sec -= 1n;
    nsec += NS_PER_S;
  }
  return Number(sec);
}

/**
 * Go: src/time/time.go Time.MarshalJSON (RFC 3339 via src/time/format.go) for whole seconds:
 * no fractional part, UTC written as `Z` (the mock runs in UTC). Never throws: outside Go's
 * range (years 0–9999, where Go's encoder fails) or for NaN it writes the nearest bound (the
 * epoch for NaN). The mock keeps every time it formats within that range (the clock bounds in
 * mock/clock.ts), so this is only a defence.
 */
export function goTime(ms: number): string {
  const clamped = Number.isNaN(ms) ? 0 : Math.min(Math.max(ms, GO_JSON_MIN_MS), GO_JSON_MAX_MS);
  return new Date(Math.floor(clamped / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
