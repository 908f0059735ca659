/** Unit tests of header parsing and key formats (grafana-auth §2, grafana-auth §3.1; pmm-auth §2.3). */
import { describe, expect, it } from 'vitest';
import { cryptoRandom, seededRandom } from '../random.ts';
import { parseAuthorization } from './authorization.ts';
import { isAPIKeyAuth } from './pmm-token.ts';
import { decodeLegacyKey, decodePrefixedKey, newLegacyKey, newPrefixedKey, prefixedKeyChecksum } from './key-codec.ts';

const KEY_USERS = ['api_key'] as const;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const basicOf = (s: string) => `Basic ${b64(s)}`;

describe('parseAuthorization', () => {
  it.each([
    ['no header', undefined, { kind: 'none' }],
    ['an empty header', '', { kind: 'none' }],
    ['Bearer + one space + key', 'Bearer abc', { kind: 'apiKey', via: 'bearer', key: 'abc' }],
    [
      'Bearer + two spaces (the second space is part of the key)',
      'Bearer  abc',
      { kind: 'apiKey', via: 'bearer', key: ' abc' },
    ],
    ['Bearer with spaces inside the key', 'Bearer abc def', { kind: 'apiKey', via: 'bearer', key: 'abc def' }],
    ['Bearer with a trailing space', 'Bearer abc ', { kind: 'apiKey', via: 'bearer', key: 'abc ' }],
    [
      'Basic api_key:<key>',
      basicOf('api_key:secret'),
      { kind: 'apiKey', via: 'basic', login: 'api_key', key: 'secret' },
    ],
    [
      'Basic api_key:<key with colons>',
      basicOf('api_key:a:b'),
      { kind: 'apiKey', via: 'basic', login: 'api_key', key: 'a:b' },
    ],
    ['Basic user login', basicOf('viewer:viewer-pw'), { kind: 'basic', login: 'viewer', password: 'viewer-pw' }],
    ['Basic split on the first colon', basicOf('user:pa:ss'), { kind: 'basic', login: 'user', password: 'pa:ss' }],
    ['Basic with an empty password', basicOf('user:'), { kind: 'basic', login: 'user', password: '' }],
    [
      'Basic api_key with an empty key (falls to Basic user auth)',
      basicOf('api_key:'),
      { kind: 'basic', login: 'api_key', password: '' },
    ],
    [
      'Basic API_KEY (user name is case-sensitive)',
      basicOf('API_KEY:secret'),
      { kind: 'basic', login: 'API_KEY', password: 'secret' },
    ],
    ['Bearer with an empty key (falls to Basic parsing)', 'Bearer ', { kind: 'invalidBasic' }],
    ['Bearer without a space', 'Bearer', { kind: 'invalidBasic' }],
    ['Bearer glued to the key', 'Bearerabc', { kind: 'invalidBasic' }],
    ['lower-case bearer', 'bearer abc', { kind: 'invalidBasic' }],
    ['upper-case BEARER', 'BEARER abc', { kind: 'invalidBasic' }],
    ['lower-case basic', `basic ${b64('viewer:viewer-pw')}`, { kind: 'invalidBasic' }],
    ['Basic with two spaces', `Basic  ${b64('viewer:viewer-pw')}`, { kind: 'invalidBasic' }],
    ['Basic with non-base64 text', 'Basic !!!not base64!!!', { kind: 'invalidBasic' }],
    ['Basic without a colon', basicOf('nocolon'), { kind: 'invalidBasic' }],
    ['Basic with unpadded base64', `Basic ${b64('api_key:ab').replace(/=+$/, '')}`, { kind: 'invalidBasic' }],
    ['another scheme', 'Token abc', { kind: 'invalidBasic' }],
  ])('grafana-auth §3.1: %s', (_label, header, expected) => {
    expect(parseAuthorization(header, KEY_USERS)).toEqual(expected);
  });

  it('grafana-auth §3.1: Basic api_key:<key> is a user login when no key user is configured', () => {
    expect(parseAuthorization(basicOf('api_key:secret'), [])).toEqual({
      kind: 'basic',
      login: 'api_key',
      password: 'secret',
    });
  });
});

describe('decodeLegacyKey', () => {
  const keyOf = (json: string) => b64(json);

  it.each([
    ['a well-formed key', '{"k":"abc","n":"name","id":1}', { secret: 'abc', name: 'name', orgId: 1 }],
    ['fields in another order', '{"id":2,"n":"x","k":"s"}', { secret: 's', name: 'x', orgId: 2 }],
    [
      'upper-case field names (Go matches case-insensitively)',
      '{"K":"abc","N":"x","ID":3}',
      { secret: 'abc', name: 'x', orgId: 3 },
    ],
    ['mixed-case field name', '{"Id":4,"k":"a","n":"b"}', { secret: 'a', name: 'b', orgId: 4 }],
    ['JSON null (zero values)', 'null', { secret: '', name: '', orgId: 0 }],
    ['an empty object (zero values)', '{}', { secret: '', name: '', orgId: 0 }],
    ['null fields (zero values)', '{"k":null,"n":null,"id":null}', { secret: '', name: '', orgId: 0 }],
    ['unknown fields (ignored)', '{"k":"a","n":"b","id":1,"extra":[1,2]}', { secret: 'a', name: 'b', orgId: 1 }],
  ])('grafana-auth §2.1: decodes %s', (_label, json, expected) => {
    expect(decodeLegacyKey(keyOf(json))).toEqual(expected);
  });

  it.each([
    ['non-base64 text', 'not a key!'],
    ['unpadded base64', keyOf('{"k":"a","n":"b","id":12}').replace(/=+$/, '')],
    ['base64 of non-JSON', keyOf('hello')],
    ['base64 of truncated JSON', keyOf('{"k":"a"')],
    ['a JSON array', keyOf('[1,2]')],
    ['a JSON string', keyOf('"k"')],
    ['a JSON number', keyOf('5')],
    ['a number for k', keyOf('{"k":1,"n":"b","id":1}')],
    ['a boolean for n', keyOf('{"k":"a","n":true,"id":1}')],
    ['a string for id', keyOf('{"k":"a","n":"b","id":"1"}')],
    ['a fraction for id', keyOf('{"k":"a","n":"b","id":1.5}')],
    ['an object for k', keyOf('{"k":{},"n":"b","id":1}')],
  ])('grafana-auth §2.1: rejects %s (the "invalid API key" sentinel)', (_label, key) => {
    expect(decodeLegacyKey(key)).toBeUndefined();
  });

  it('grafana-auth §2.1: newLegacyKey is padded base64 of compact JSON k, n, id with a 32-char alnum secret, and decodes back', () => {
    const { key, secret } = newLegacyKey(seededRandom('legacy'), 'my key', 1);
    expect(secret).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(Buffer.from(key, 'base64').toString('utf8')).toBe(`{"k":"${secret}","n":"my key","id":1}`);
    expect(key.length % 4).toBe(0);
    expect(decodeLegacyKey(key)).toEqual({ secret, name: 'my key', orgId: 1 });
  });
});

describe('prefixed (glsa_) keys', () => {
  const VECTOR = 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a';

  it("grafana-auth §2.2: Grafana's public test vector decodes with checksum fcaaf58a", () => {
    expect(decodePrefixedKey(VECTOR)).toEqual({
      serviceId: 'sa',
      secret: 'yscW25imSKJIuav8zF37RZmnbiDvB05G',
      checksum: 'fcaaf58a',
    });
  });

  it("grafana-auth §2.2: the checksum of Grafana's test vector is CRC-32 little-endian hex fcaaf58a", () => {
    expect(prefixedKeyChecksum('sa', 'yscW25imSKJIuav8zF37RZmnbiDvB05G')).toBe('fcaaf58a');
  });

  it.each([
    ['a changed checksum', 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58b'],
    ['an upper-case checksum', 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_FCAAF58A'],
    ['a changed secret', 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05H_fcaaf58a'],
    ['a changed service id', 'glsb_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a'],
    ['four parts', 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a_x'],
    ['two parts', 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G'],
    ['no gl start', 'xxsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a'],
  ])('grafana-auth §2.2: a token with %s does not decode', (_label, token) => {
    expect(decodePrefixedKey(token)).toBeUndefined();
  });

  it.each([
    ['seeded randomness', seededRandom('prefixed')],
    ['crypto randomness', cryptoRandom],
  ])(
    'grafana-auth §2.2: newPrefixedKey (%s) is glsa_ + 32 alnum + _ + 8 hex = 46 chars and decodes back',
    (_label, random) => {
      const token = newPrefixedKey(random);
      expect(token).toHaveLength(46);
      expect(token).toMatch(/^glsa_[0-9A-Za-z]{32}_[0-9a-f]{8}$/);
      const [, secret, checksum] = token.split('_');
      expect(decodePrefixedKey(token)).toEqual({ serviceId: 'sa', secret, checksum });
    },
  );
});

describe('isAPIKeyAuth (pmm-managed client.go)', () => {
  it.each([
    ['Bearer + key', 'Bearer xyz', true],
    ['Bearer glued to the key', 'Bearerxyz', true],
    ['Bearer alone', 'Bearer', true],
    ['Bearer + empty key', 'Bearer ', true],
    ['Basic api_key:<key>', basicOf('api_key:k'), true],
    ['Basic api_key: with an empty key', basicOf('api_key:'), true],
    ['Basic api_key:<key> with extra spaces (TrimSpace)', `Basic   ${b64('api_key:k')}  `, true],
    ['Basic api_key:<key> glued to the scheme', `Basic${b64('api_key:k')}`, true],
    ['lower-case bearer', 'bearer x', false],
    ['Basic user login', basicOf('viewer:viewer-pw'), false],
    ['Basic api_key without a colon', basicOf('api_key'), false],
    ['Basic API_KEY:<key> (case-sensitive)', basicOf('API_KEY:k'), false],
    ['Basic with invalid base64', 'Basic !!!', false],
    ['Basic with unpadded base64', `Basic ${b64('api_key:ab').replace(/=+$/, '')}`, false],
    ['lower-case basic', `basic ${b64('api_key:k')}`, false],
    ['no header', undefined, false],
    ['an empty header', '', false],
  ])('pmm-auth §2.3: %s → %s', (_label, header, expected) => {
    expect(isAPIKeyAuth(header ?? '', KEY_USERS)).toBe(expected);
  });
});
