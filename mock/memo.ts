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

/**
 * memoize for an argument that is not one string: `keyOf` names it by one string, which tells
 * arguments apart. One argument, no rest parameters: a call allocates nothing but what `keyOf` does.
 */
export function memoizeBy<T, R>(
  keyOf: (input: T) => string,
  fn: (input: T) => R,
  size = 512,
  maxKeyLength = 2048,
): (input: T) => R {
  let cache = new Map<string, R>();
  return (input: T): R => {
    const key = keyOf(input);
    if (key.length > maxKeyLength) return fn(input);
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as R;
    const result = fn(input);
    if (cache.size >= size) cache = new Map();
    cache.set(key, result);
    return result;
  };
}
