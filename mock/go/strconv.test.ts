/** Unit tests of Go's strconv and int64 limits as the mock copies them (path ids, query flags; grafana-auth §1.5, grafana-auth §1.6). */
import { describe, expect, it } from 'vitest';
import { jsonInt64 } from './json.ts';
import { parseBool, parseInt64 } from './strconv.ts';

describe('parseInt64 (Go strconv.ParseInt(s, 10, 64))', () => {
  it.each([
    ['a plain number', '42', 42],
    ['a leading +', '+7', 7],
    ['a negative number', '-3', -3],
    ['leading zeros', '007', 7],
    ['MaxInt64', '9223372036854775807', 9223372036854775807],
    ['MinInt64', '-9223372036854775808', -9223372036854775808],
  ])('grafana-auth §1.6: parses %s', (_label, input, expected) => {
    expect(parseInt64(input)).toBe(expected);
  });

  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['a fraction', '1.5'],
    ['hex', '0x10'],
    ['a space', ' 1'],
    ['MaxInt64 + 1', '9223372036854775808'],
    ['MinInt64 - 1', '-9223372036854775809'],
  ])('grafana-auth §1.6: rejects %s', (_label, input) => {
    expect(parseInt64(input)).toBeUndefined();
  });
});

describe('parseBool (Go strconv.ParseBool, lenient)', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('grafana-auth §1.5: %s is true', (s) =>
    expect(parseBool(s)).toBe(true),
  );
  it.each(['0', 'false', 'yes', 'tRUE', '', undefined])('grafana-auth §1.5: %s is false', (s) =>
    expect(parseBool(s)).toBe(false),
  );
});

describe('jsonInt64 (Go encoding/json into int64)', () => {
  it.each([
    ['an integer', 5, 5],
    ['zero', 0, 0],
    ['a negative integer', -5, -5],
  ])('grafana-auth §1.2: accepts %s', (_label, v, expected) => expect(jsonInt64(v)).toBe(expected));
  it.each([
    ['a fraction', 1.5],
    ['a string', '5'],
    ['null', null],
    ['beyond int64', 1e19],
  ])('grafana-auth §1.2: rejects %s', (_label, v) => expect(jsonInt64(v)).toBeUndefined());
});
