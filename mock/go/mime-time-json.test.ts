/** Unit tests of Go's mime, time and json decoding as the mock copies them (grafana-auth §1.2, grafana-auth §1.5). */
import { describe, expect, it } from 'vitest';
import { firstJsonValue, foldedFields } from './json.ts';
import { mediaType } from './mime.ts';
import { goAddSecondsUnix, goTime } from './time.ts';

describe('mediaType (Go mime.ParseMediaType)', () => {
  it.each([
    ['plain', 'application/json', 'application/json'],
    ['with a charset', 'application/json; charset=utf-8', 'application/json'],
    ['upper case', 'Application/JSON', 'application/json'],
    ['spaces around', '  application/json  ', 'application/json'],
  ])('grafana-auth §1.2: %s', (_label, input, expected) => expect(mediaType(input)).toBe(expected));
  it.each([undefined, '', 'json', 'application/', 'a b/c'])('grafana-auth §1.2: %s does not parse', (input) =>
    expect(mediaType(input)).toBeUndefined(),
  );
});

describe('goTime (Go time.Time JSON, whole seconds)', () => {
  it('grafana-auth §1.5: RFC 3339 without fraction, UTC as Z', () => {
    expect(goTime(Date.UTC(2024, 0, 2, 3, 4, 5, 678))).toBe('2024-01-02T03:04:05Z');
  });
  it('issue 12: never throws — outside years 0–9999 (where Go fails) the nearest bound, NaN the epoch', () => {
    expect(goTime(8.64e15 + 1)).toBe('9999-12-31T23:59:59Z');
    expect(goTime(Date.UTC(10000, 0, 1))).toBe('9999-12-31T23:59:59Z');
    expect(goTime(-8.64e15 - 1)).toBe('0000-01-01T00:00:00Z');
    expect(goTime(Number.NaN)).toBe('1970-01-01T00:00:00Z');
  });
});

describe('goAddSecondsUnix (Go t.Add(time.Second * time.Duration(s)).Unix())', () => {
  const now = Date.UTC(2024, 0, 1, 0, 0, 0, 500); // half a second past a whole second
  const nowS = now / 1000 - 0.5;
  it.each([
    ['a small TTL', 3600, nowS + 3600],
    ['the largest TTL that does not wrap', 9223372036, nowS + 9223372036],
    // 9223372037e9 ns = 2^63 + 145224192 ns → -9223372036.709551616 s; the 0.5 s borrows one second
    ['one second more wraps to about -292 years', 9223372037, nowS - 9223372036 - 1],
    // (8640000000000e9) mod 2^64 = 6923773503929843712 ns; +0.5 s carries one second
    ['8640000000000 (issue 12)', 8640000000000, nowS + 6923773503 + 1],
    // 9e21 ns mod 2^64 as int64 = -2011107970261188608 ns; the 0.5 s borrows nothing
    ['9e12 wraps into the past', 9e12, nowS - 2011107970],
  ])('issue 12: %s', (_label, seconds, expected) => {
    expect(goAddSecondsUnix(now, seconds)).toBe(expected);
  });
});

describe('firstJsonValue (Go json.Decoder.Decode)', () => {
  it.each([
    ['an object then garbage', '{"a":1} trailing', '{"a":1}'],
    ['nested objects', ' {"a":{"b":[1,{}]}}x', '{"a":{"b":[1,{}]}}'],
    ['a brace inside a string', '{"a":"}"}', '{"a":"}"}'],
    ['an escaped quote', '{"a":"\\"}"}', '{"a":"\\"}"}'],
    ['a scalar', ' 5', '5'],
  ])('grafana-auth §1.2: %s', (_label, input, expected) => expect(firstJsonValue(input)).toBe(expected));
  it('grafana-auth §1.2: an empty body is EOF (undefined)', () => expect(firstJsonValue(' \n')).toBeUndefined());
});

describe('foldedFields (Go matches JSON field names case-insensitively)', () => {
  it('grafana-auth §1.2: names lower-cased, in order', () => {
    expect(foldedFields({ Name: 'a', ROLE: 'b' })).toEqual([
      ['name', 'a'],
      ['role', 'b'],
    ]);
  });
});
