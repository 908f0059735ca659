/**
 * Service-account tokens as credentials on the pmm3 profile through the app in process (startInProcessMock): PMM 3's
 * own permission matrix (pmm-auth §5.2) for `Bearer`, Basic `service_token:` and Basic `api_key:`
 * (pmm-auth §2.3 3.x extraction), refused tokens (grafana-auth §2.2, grafana-auth §3.5; pmm-auth §1.4), a disabled
 * account, and what Grafana itself accepts (grafana-auth §3.4, grafana-auth §6.1, grafana-auth §6.2).
 */
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmm3 } from '../profiles/pmm3.ts';
import {
  ADMIN_AUTH,
  authLayerBody,
  basic,
  bearer,
  startInProcessMock,
  type InProcessTestMock,
} from '../testing/harness.ts';

type Role = 'viewer' | 'editor' | 'admin' | 'none';
type Style = 'Bearer <token>' | 'Basic service_token:<token>' | 'Basic api_key:<token>';
/** pmm-auth §2.3 (3.x): a token from Bearer, or Basic decoding to `api_key:<t>` or `service_token:<t>`. */
const STYLES: readonly Style[] = ['Bearer <token>', 'Basic service_token:<token>', 'Basic api_key:<token>'];
const SA = '/graph/api/serviceaccounts';
const DENIED = authLayerBody(7, 'Access denied.');
const UNAUTHORIZED = authLayerBody(16, 'Unauthorized');
/** grafana-auth §3.5 (LIKELY): an unknown or malformed `glsa_` token is not a typed error → the fallback body. */
const GRAFANA_FALLBACK = { message: 'Unauthorized', traceID: '' };

let t: InProcessTestMock;
beforeAll(async () => {
  t = await startInProcessMock({
    profile: pmm3,
    seedTokens: [
      { name: 'sa-viewer', role: 'Viewer' },
      { name: 'sa-editor', role: 'Editor' },
      { name: 'sa-admin', role: 'Admin' },
      { name: 'sa-none', role: 'None' },
    ],
  });
});
afterAll(() => t.close());

const tokenOf = (role: Role): string => {
  const key = t.mock.keys[`sa-${role}`];
  if (key === undefined) throw new Error(`no seeded token sa-${role}`);
  return key;
};

function credential(token: string, style: Style): string {
  if (style === 'Bearer <token>') return bearer(token);
  return basic(style === 'Basic api_key:<token>' ? 'api_key' : 'service_token', token);
}

type Res = Awaited<ReturnType<ReturnType<InProcessTestMock['https']>['get']>>;

const get = (path: string, auth: string): Promise<Res> => t.https().get(path).set('Authorization', auth);

/** grafana-auth §2.2: a well-formed token (right checksum) for a secret of 32 alphanumerics. */
function wellFormed(secret: string): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(crc32(`glsa_${secret}`));
  return `glsa_${secret}_${b.toString('hex')}`;
}

/** Replaces the character at `i` by another alphanumeric one. */
function flip(s: string, i: number): string {
  const c = s[i] === 'a' ? 'b' : 'a';
  return `${s.slice(0, i)}${c}${s.slice(i + 1)}`;
}

type Expect = 'ok' | 'denied' | 'badRequest';
/** pmm-auth §5.2 TestServiceAccountPermissions (+ pmm-auth §3.1: version is viewer). */
const MATRIX: readonly { method: 'get' | 'post'; path: string; want: Record<'viewer' | 'editor' | 'admin', Expect> }[] =
  [
    { method: 'get', path: '/v1/server/version', want: { viewer: 'ok', editor: 'ok', admin: 'ok' } },
    { method: 'get', path: '/v1/server/settings', want: { viewer: 'denied', editor: 'denied', admin: 'ok' } },
    { method: 'post', path: '/v1/platform:connect', want: { viewer: 'denied', editor: 'denied', admin: 'badRequest' } },
  ];

const cases = MATRIX.flatMap((row) =>
  (['viewer', 'editor', 'admin'] as const).flatMap((role) =>
    STYLES.map((style) => ({
      ...row,
      role,
      style,
      want: row.want[role],
      op: `${row.method.toUpperCase()} ${row.path}`,
    })),
  ),
);

describe('the PMM 3 permission matrix with service-account tokens (pmm-auth §5.2, pmm-auth §2.3)', () => {
  it.each(cases)(
    'pmm-auth §5.2: $op with the $role account token ($style) → $want',
    async ({ method, path, role, style, want }) => {
      const res = await t
        .https()
        [method](path)
        .set('Authorization', credential(tokenOf(role), style));
      if (want === 'ok') {
        expect(res.status).toBe(200);
        if (path === '/v1/server/version') expect(res.body.version).toMatch(/^3\./);
        else expect(res.body.settings).toEqual(expect.any(Object));
      } else if (want === 'denied') {
        // pmm-auth §1.4: role too low → 401 code 7 in 3.0.x.
        expect(res.status).toBe(401);
        expect(res.text).toBe(DENIED);
      } else {
        // pmm-auth §5.2: admin passes the auth layer, the empty body is a bad request.
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 3, details: [] });
      }
    },
  );

  it.each(STYLES.map((style) => ({ style })))(
    'pmm-auth §2.3: a role None account token ($style) on /v1/server/version → 401 code 7',
    async ({ style }) => {
      const res = await get('/v1/server/version', credential(tokenOf('none'), style));
      expect(res.status).toBe(401);
      expect(res.text).toBe(DENIED);
    },
  );
});

describe('refused tokens (grafana-auth §2.2, grafana-auth §3.5; pmm-auth §1.4, pmm-auth §2.3)', () => {
  const refused = [
    { label: 'a corrupted checksum', token: () => flip(tokenOf('admin'), 45) },
    { label: 'a corrupted secret', token: () => flip(tokenOf('admin'), 10) },
    { label: 'an unknown well-formed token', token: () => wellFormed('Z'.repeat(32)) },
  ];

  it('the corrupted and unknown tokens differ from the admin token and keep the glsa_ shape', () => {
    for (const { token } of refused) {
      expect(token()).toMatch(/^glsa_[0-9A-Za-z]{32}_[0-9a-f]{8}$/);
      expect(token()).not.toBe(tokenOf('admin'));
    }
  });

  it.each(refused.flatMap((r) => STYLES.map((style) => ({ ...r, style }))))(
    'pmm-auth §1.4, pmm-auth §2.3: $label ($style) on /v1/server/version → 401 code 16 "Unauthorized"',
    async ({ token, style }) => {
      const res = await get('/v1/server/version', credential(token(), style));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.text).toBe(UNAUTHORIZED);
    },
  );

  it.each(refused)(
    'grafana-auth §3.5: $label (Bearer) on /graph/api/user → 401 the untyped fallback body',
    async ({ token }) => {
      const res = await get('/graph/api/user', bearer(token()));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(GRAFANA_FALLBACK);
      expect(Object.keys(res.body)).toEqual(['message', 'traceID']);
    },
  );
});

describe('a disabled service account (grafana-auth §3.2, grafana-auth §3.5; pmm-auth §2.3)', () => {
  let key = '';
  let id = 0;
  beforeAll(async () => {
    const created = await t
      .https()
      .post(SA)
      .set('Authorization', ADMIN_AUTH)
      .set('Content-Type', 'application/json')
      .send('{"name":"to-disable","role":"Admin"}');
    id = created.body.id as number;
    const tok = await t
      .https()
      .post(`${SA}/${id}/tokens`)
      .set('Authorization', ADMIN_AUTH)
      .set('Content-Type', 'application/json')
      .send('{"name":"to-disable-token"}');
    key = tok.body.key as string;
  });

  it('control: the Admin account token works on /v1/server/settings before the account is disabled', async () => {
    expect((await get('/v1/server/settings', bearer(key))).status).toBe(200);
    const patched = await t
      .https()
      .patch(`${SA}/${id}`)
      .set('Authorization', ADMIN_AUTH)
      .set('Content-Type', 'application/json')
      .send('{"isDisabled":true}');
    expect(patched.status).toBe(200);
  });

  it.each(['/graph/api/user', '/graph/api/auth/key', '/graph/api/auth/serviceaccount'])(
    'grafana-auth §3.5: its token on %s → 401 typed, messageId identity.disabled',
    async (path) => {
      const res = await get(path, bearer(key));
      expect(res.status).toBe(401);
      expect(Object.keys(res.body)).toEqual(['extra', 'message', 'messageId', 'statusCode', 'traceID']);
      expect(res.body).toEqual({
        extra: null,
        message: expect.any(String),
        messageId: 'identity.disabled',
        statusCode: 401,
        traceID: '',
      });
      expect(res.body.message).not.toBe('');
    },
  );

  it.each(STYLES.map((style) => ({ style })))(
    "pmm-auth §2.3: its token ($style) on /v1/server/version → 401 code 16 with Grafana's message",
    async ({ style }) => {
      const grafana = await get('/graph/api/auth/serviceaccount', bearer(key));
      const res = await get('/v1/server/version', credential(key, style));
      expect(res.status).toBe(401);
      expect(res.text).toBe(authLayerBody(16, grafana.body.message as string));
    },
  );

  it('grafana-auth §5.3: enabled again → its token works again', async () => {
    await t
      .https()
      .patch(`${SA}/${id}`)
      .set('Authorization', ADMIN_AUTH)
      .set('Content-Type', 'application/json')
      .send('{"isDisabled":false}');
    expect((await get('/v1/server/settings', bearer(key))).status).toBe(200);
  });
});

describe('what Grafana itself accepts (grafana-auth §3.4, grafana-auth §6.1, grafana-auth §6.2)', () => {
  it.each([
    { label: 'Bearer', auth: () => bearer(tokenOf('admin')) },
    { label: 'Basic api_key:', auth: () => basic('api_key', tokenOf('admin')) },
    { label: 'Basic api_key: (Viewer account)', auth: () => basic('api_key', tokenOf('viewer')) },
  ])(
    'grafana-auth §6.2: GET /graph/api/user with a token ($label) → 403 "Endpoint only available for users"',
    async ({ auth }) => {
      const res = await get('/graph/api/user', auth());
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: 'Endpoint only available for users' });
    },
  );

  it('grafana-auth §3.4, grafana-auth §6.1: Basic service_token:<token> on /graph/api/user is a login of user "service_token" → 401 password-auth.failed', async () => {
    const res = await get('/graph/api/user', basic('service_token', tokenOf('admin')));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      extra: null,
      message: 'Invalid username or password',
      messageId: 'password-auth.failed',
      statusCode: 401,
      traceID: '',
    });
  });

  it('grafana-auth §3.4: the Admin token may search accounts as Basic api_key: (200) but not as Basic service_token: (401)', async () => {
    const asKey = await get(`${SA}/search?query=sa-`, basic('api_key', tokenOf('admin')));
    expect(asKey.status).toBe(200);
    expect(asKey.body.totalCount).toBeGreaterThanOrEqual(4);
    const asUser = await get(`${SA}/search?query=sa-`, basic('service_token', tokenOf('admin')));
    expect(asUser.status).toBe(401);
    expect(asUser.body.messageId).toBe('password-auth.failed');
  });

  it('pmm-auth §2.3: the same Basic service_token: credential passes PMM (the auth layer extracts the token itself)', async () => {
    const res = await get('/v1/server/settings', basic('service_token', tokenOf('admin')));
    expect(res.status).toBe(200);
  });
});
