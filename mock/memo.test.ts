/** mock/memo.ts: the hot path's pure functions computed once per distinct input, in bounded memory (issue 15). */
import { describe, expect, it } from 'vitest';
import { memoize } from './memo.ts';

function counted<R>(fn: (s: string) => R) {
  const calls: string[] = [];
  return { calls, fn: (s: string) => (calls.push(s), fn(s)) };
}

describe('memoize', () => {
  it('computes once per distinct input and answers the same result after', () => {
    const c = counted((s) => ({ upper: s.toUpperCase() }));
    const m = memoize(c.fn);
    const first = m('abc');
    expect(m('abc')).toBe(first);
    expect(m('xyz').upper).toBe('XYZ');
    expect(c.calls).toEqual(['abc', 'xyz']);
  });

  it('keeps an undefined result too (a malformed key decodes to undefined once)', () => {
    const c = counted(() => undefined);
    const m = memoize(c.fn);
    m('bad');
    m('bad');
    expect(c.calls).toEqual(['bad']);
  });

  it('is bounded: at `size` inputs it starts again empty, so new inputs forever keep the memory flat', () => {
    const c = counted((s) => s.length);
    const m = memoize(c.fn, 3);
    for (const s of ['a', 'b', 'c']) m(s);
    m('a'); // still cached
    expect(c.calls).toHaveLength(3);
    m('d'); // the fourth input: the cache starts over with it
    m('a');
    expect(c.calls).toEqual(['a', 'b', 'c', 'd', 'a']);
  });

  it('does not keep inputs longer than maxInputLength (a 64 KiB header is computed, not stored)', () => {
    const c = counted((s) => s.length);
    const m = memoize(c.fn, 10, 8);
    const long = 'x'.repeat(9);
    expect(m(long)).toBe(9);
    expect(m(long)).toBe(9);
    expect(c.calls).toEqual([long, long]);
  });
});
