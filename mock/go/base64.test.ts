/** Unit tests of Go's base64.StdEncoding as the mock copies it (Basic credentials and legacy keys, grafana-auth §3.1). */
import { describe, expect, it } from 'vitest';
import { decodeStdBase64 } from './base64.ts';

describe('decodeStdBase64', () => {
  it.each([
    ['no padding needed', 'YWJj', 'abc'],
    ['one padding character', 'YWI=', 'ab'],
    ['two padding characters', 'YQ==', 'a'],
    ['the empty string', '', ''],
    ['\\r\\n inside (skipped)', 'YW\r\nJj', 'abc'],
    ['a trailing \\n (skipped)', 'YWJj\n', 'abc'],
  ])('grafana-auth §3.1: Go StdEncoding decodes %s', (_label, input, expected) => {
    expect(decodeStdBase64(input)?.toString('utf8')).toBe(expected);
  });

  it.each([
    ['missing padding (one)', 'YWI'],
    ['missing padding (two)', 'YQ'],
    ['incomplete padding', 'YQ='],
    ['a "*"', 'YW*j'],
    ['the URL-safe alphabet', 'YW-_'],
    ['a space', 'YW Jj'],
    ['a tab', 'YW\tJj'],
    ['padding in the middle', 'YQ==YWJj'],
    ['a leading "="', '=YWJ'],
  ])('grafana-auth §3.1: Go StdEncoding rejects %s', (_label, input) => {
    expect(decodeStdBase64(input)).toBeUndefined();
  });
});
