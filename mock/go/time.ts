/**
 * Go: src/time/time.go Time.MarshalJSON (RFC 3339 via src/time/format.go) for whole seconds:
 * no fractional part, UTC written as `Z` (the mock runs in UTC).
 */
export function goTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
