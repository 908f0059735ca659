/**
 * Issue 15: the request hot path computes some pure functions of what a caller sends — the parse of
 * its `Authorization`, a key's decoding, digests and fingerprints — once per distinct input, not once
 * per request. The cache is bounded: when it holds `size` inputs it starts again empty, so a caller
 * sending a new key with every request (a fuzzer, a brute-force) costs what it cost before and the
 * memory stays flat; inputs longer than any key or header a client sends are not kept at all. Only
 * for pure functions whose results are never mutated.
 */
export function memoize<R>(fn: (input: string) => R, size = 512, maxInputLength = 2048): (input: string) => R {
  return memoizeBy((input: string) => input, fn, size, maxInputLength);
}

/** memoize for arguments that are not one string: `keyOf` names them by one string, which tells them apart. */
export function memoizeBy<A extends unknown[], R>(
  keyOf: (...args: A) => string,
  fn: (...args: A) => R,
  size = 512,
  maxKeyLength = 2048,
): (...args: A) => R {
  let cache = new Map<string, R>();
  return (...args: A): R => {
    const key = keyOf(...args);
    if (key.length > maxKeyLength) return fn(...args);
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as R;
    const result = fn(...args);
    if (cache.size >= size) cache = new Map();
    cache.set(key, result);
    return result;
  };
}
