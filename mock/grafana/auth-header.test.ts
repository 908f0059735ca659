/**
 * Grafana 9.2 (Percona fork) authentication through the app in process (startInProcessMock):
 * Authorization header parsing and failures (grafana-auth §3.1, grafana-auth §3.2, grafana-auth §3.6,
 * grafana-auth §6.1) and brute-force protection; the user endpoints are in user.test.ts.
 */
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, bearer, createKey, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** grafana-auth §2.2: `glsa_<secret>_<crc32 IEEE of "glsa_<secret>", little-endian hex>`. */
function glsaToken(secret: string): string {
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(crc32(`glsa_${secret}`));
  return `glsa_${secret}_${sum.toString('hex')}`;
}

const UNAUTHORIZED = { message: 'Unauthorized' };
const INVALID_BASIC_HEADER = { message: 'Invalid Basic Auth Header', traceID: '' };
const INVALID_LOGIN = { message: 'invalid username or password', traceID: '' };
const INVALID_KEY = { message: 'invalid Service Token/API key', traceID: '' };

interface Row {
  label: string;
  /** The Authorization header from the seeded Admin key, or undefined for none. */
  header: (key: string) => string | undefined;
  query?: (key: string) => string;
  status: number;
  body: Record<string, string>;
  ref: string;
}

const ROWS: Row[] = [
  {
    ref: 'grafana-auth §3.6',
    label: 'no Authorization header',
    header: () => undefined,
    status: 401,
    body: UNAUTHORIZED,
  },
  {
    ref: 'grafana-auth §3.1',
    label: '"bearer <key>" (lower case)',
    header: (k) => `bearer ${k}`,
    status: 401,
    body: INVALID_BASIC_HEADER,
  },
  {
    ref: 'grafana-auth §3.1',
    label: '"BEARER <key>" (upper case)',
    header: (k) => `BEARER ${k}`,
    status: 401,
    body: INVALID_BASIC_HEADER,
  },
  {
    ref: 'grafana-auth §3.1',
    label: '"Bearer" alone',
    header: () => 'Bearer',
    status: 401,
    body: INVALID_BASIC_HEADER,
  },
  {
    ref: 'grafana-auth §3.1',
    label: '"Bearer " with an empty key',
    header: () => 'Bearer ',
    status: 401,
    body: INVALID_BASIC_HEADER,
  },
  {
    ref: 'grafana-auth §3.1, grafana-auth §3.2',
    label: '"Bearer  <key>" (two spaces: the key starts with a space)',
    header: (k) => `Bearer  ${k}`,
    status: 401,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.1, grafana-auth §6.1',
    label: 'Basic API_KEY:<key> (user name is case-sensitive)',
    header: (k) => basic('API_KEY', k),
    status: 401,
    body: INVALID_LOGIN,
  },
  {
    ref: 'grafana-auth §3.1, grafana-auth §6.1',
    label: 'Basic apikey:<key>',
    header: (k) => basic('apikey', k),
    status: 401,
    body: INVALID_LOGIN,
  },
  {
    ref: 'grafana-auth §3.1, grafana-auth §3.6',
    label: '?api_key=<key> in the query, no header',
    header: () => undefined,
    query: (k) => `?api_key=${encodeURIComponent(k)}`,
    status: 401,
    body: UNAUTHORIZED,
  },
  {
    ref: 'grafana-auth §6.1',
    label: '"Basic" with invalid base64',
    header: () => 'Basic !!!not-base64!!!',
    status: 401,
    body: INVALID_BASIC_HEADER,
  },
  {
    ref: 'grafana-auth §6.1',
    label: '"Basic" of text without a colon',
    header: () => `Basic ${b64('no-colon')}`,
    status: 401,
    body: INVALID_BASIC_HEADER,
  },
  {
    ref: 'grafana-auth §6.1',
    label: 'an unknown scheme "Token <key>"',
    header: (k) => `Token ${k}`,
    status: 401,
    body: INVALID_BASIC_HEADER,
  },
  {
    ref: 'grafana-auth §6.1',
    label: 'Basic with an unknown user',
    header: () => basic('no-such-user', 'pw'),
    status: 401,
    body: INVALID_LOGIN,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'a key that is not base64',
    header: () => bearer('not-base64!'),
    status: 401,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'base64 of non-JSON',
    header: () => bearer(b64('hello world')),
    status: 401,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'the right name with a wrong secret',
    header: () => bearer(b64(JSON.stringify({ k: 'A'.repeat(32), n: 'seed-admin', id: 1 }))),
    status: 401,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'an unknown key name',
    header: () => bearer(b64(JSON.stringify({ k: 'A'.repeat(32), n: 'no-such-key', id: 1 }))),
    status: 401,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'the right name and secret with another org id',
    header: (k) =>
      bearer(b64(JSON.stringify({ ...(JSON.parse(Buffer.from(k, 'base64').toString('utf8')) as object), id: 2 }))),
    status: 401,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'Basic api_key:<not base64>',
    header: () => basic('api_key', 'not-base64!'),
    status: 401,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'a glsa_ token with a bad checksum (500 quirk)',
    header: () => bearer(`glsa_${'a'.repeat(32)}_00000000`),
    status: 500,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'a glsa_ token with two parts (500 quirk)',
    header: () => bearer(`glsa_${'a'.repeat(32)}`),
    status: 500,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §3.2',
    label: 'a gl… token with four parts (500 quirk)',
    header: () => bearer(`${glsaToken('b'.repeat(32))}_x`),
    status: 500,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §2.2, grafana-auth §3.2',
    label: 'an unknown well-formed glsa_ token (valid CRC)',
    header: () => bearer(glsaToken('Z'.repeat(32))),
    status: 401,
    body: INVALID_KEY,
  },
  {
    ref: 'grafana-auth §2.2, grafana-auth §3.2',
    label: "Grafana's public glsa_ test vector (valid CRC, unknown here)",
    header: () => bearer('glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a'),
    status: 401,
    body: INVALID_KEY,
  },
];

const PATHS = ['/graph/api/auth/key', '/graph/api/user'];

/** One mock for the file (the brute-force test has its own); tests use unique key names. */
let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock();
});
afterAll(() => t.close());

describe('Authorization header parsing (Grafana 9.2)', () => {
  let adminKey: string;
  beforeAll(() => {
    adminKey = t.mock.keys['seed-admin']!;
  });

  it("grafana-auth §2.2: the test helper builds tokens that match Grafana's public test vector", () => {
    expect(glsaToken('yscW25imSKJIuav8zF37RZmnbiDvB05G')).toBe('glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a');
  });

  it.each(PATHS.flatMap((path) => ROWS.map((row) => ({ ...row, path }))))(
    '$ref: $label on $path → $status',
    async ({ path, header, query, status, body }) => {
      const req = t.https().get(`${path}${query ? query(adminKey) : ''}`);
      const value = header(adminKey);
      if (value !== undefined) req.set('Authorization', value);
      const res = await req;
      expect(res.status).toBe(status);
      expect(res.body).toEqual(body);
      expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(res.headers['www-authenticate']).toBeUndefined();
    },
  );

  it.each([
    { label: 'Bearer <key>', header: (k: string) => bearer(k) },
    { label: 'Basic api_key:<key>', header: (k: string) => basic('api_key', k) },
  ])('grafana-auth §3.1: $label authenticates as the key', async ({ header }) => {
    const { id, key } = await createKey(t, `parse-${header('x').split(' ')[0]}`, 'Editor');
    const res = await t.https().get('/graph/api/auth/key').set('Authorization', header(key));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, role: 'Editor' });
  });

  it('grafana-auth §3.1: a valid key in ?api_key= next to a valid user header is ignored (the user is used)', async () => {
    const res = await t
      .https()
      .get(`/graph/api/auth/key?api_key=${encodeURIComponent(adminKey)}`)
      .set('Authorization', basic('viewer', 'viewer-pw'));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Failed to list api keys', traceID: '' });
  });
});

// A fresh mock: failed logins are counted per login for the whole mock.
describe('Brute-force protection (Grafana 9.2)', () => {
  let fresh: InProcessTestMock;
  beforeAll(async () => {
    fresh = await startInProcessMock();
  });
  afterAll(() => fresh.close());

  it('grafana-auth §6.1: after 5 wrong passwords for "viewer" the right password → 401 "invalid username or password"', async () => {
    for (let i = 1; i <= 5; i++) {
      const wrong = await fresh
        .https()
        .get('/graph/api/user')
        .set('Authorization', basic('viewer', `wrong-${i}`));
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual(INVALID_LOGIN);
    }
    const right = await fresh.https().get('/graph/api/user').set('Authorization', basic('viewer', 'viewer-pw'));
    expect(right.status).toBe(401);
    expect(right.body).toEqual(INVALID_LOGIN);
    const other = await fresh.https().get('/graph/api/user').set('Authorization', basic('editor', 'editor-pw'));
    expect(other.status).toBe(200);
    expect(other.body.login).toBe('editor');
  });
});
