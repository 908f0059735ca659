/** Unit tests of Go's mime, time and json decoding as the mock copies them (grafana-auth §1.2, grafana-auth §1.5). */
import { describe, expect, it } from 'vitest';
import { firstJsonValue, foldedFields } from './json.ts';
import { mediaType } from './mime.ts';
import { goTime } from './time.ts';

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
