/** Unit tests of Go's url.PathUnescape as the mock copies it (used by PMM's cleanPath, pmm-auth §2.2). */
import { describe, expect, it } from 'vitest';
import { pathUnescape } from './url.ts';

describe('pathUnescape (Go url.PathUnescape)', () => {
  it.each([
    ['a lower-case %2f', '/a%2fb', '/a/b'],
    ['an upper-case %2F', '/a%2Fb', '/a/b'],
    ['%2e%2e', '/a/%2e%2e/b', '/a/../b'],
    ['"+" kept as is', '/a+b', '/a+b'],
    ['%20', '/a%20b', '/a b'],
    ['%25 (one level only)', '/a%252fb', '/a%2fb'],
    ['a multi-byte UTF-8 sequence', '/caf%C3%A9', '/café'],
    ['%3F (not a query separator once unescaped)', '/v1/version%3Fx', '/v1/version?x'],
    ['no escapes', '/v1/version', '/v1/version'],
  ])('pmm-auth §2.2: url.PathUnescape decodes %s', (_label, input, expected) => {
    expect(pathUnescape(input)).toBe(expected);
  });

  it.each([
    ['non-hex digits', '/v1/version%zz'],
    ['one hex digit', '/v1/version%4'],
    ['a lone % at the end', '/v1/version%'],
    ['one hex digit then a letter', '/v1/%4g'],
  ])('pmm-auth §2.2: url.PathUnescape rejects a bad escape: %s', (_label, input) => {
    expect(pathUnescape(input)).toBeUndefined();
  });
});
