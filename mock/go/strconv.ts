/**
 * Go's integer limits and `strconv` parsers, as the mock's Go code paths read numbers and
 * booleans from text (path ids, query flags).
 */

/** Go: src/math/const.go MaxInt64 (and MinInt64 = -MaxInt64 - 1). */
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -INT64_MAX - 1n;

/** Go: src/strconv/atoi.go ParseInt(s, 10, 64) — optional sign, decimal digits, int64 range; undefined when it fails. */
export function parseInt64(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > INT64_MAX || n < INT64_MIN ? undefined : Number(s);
}

/** Go: src/strconv/atob.go ParseBool — true for 1 t T TRUE true True; everything else false here (the caller's lenient use). */
export function parseBool(s: string | undefined): boolean {
  return s !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s);
}
