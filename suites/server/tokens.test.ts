/**
 * Service-account tokens on PMM 3 (grafana-auth §2.2, grafana-auth §4, grafana-auth §5.3; pmm-auth §2.3, pmm-auth §3.4): creation
 * (`{id,name,key}`, key `glsa_<32 alnum>_<CRC-32 LE>`, checked here with node:zlib), the token on
 * PMM paths by Basic `service_token:` and on the v2 compatibility path, a corrupted checksum and
 * an unknown token refused, the token list's fields, duplicate names, negative TTL, deletion.
 * (`Bearer glsa_…` and Basic `api_key:glsa_…` are srv.seed.001–006 on PMM 3.)
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, inject } from 'vitest';
import { area, kase, targetAllows } from '../_support/case.ts';
import {
  eventually,
  expectAuthLayerError,
  expectGrafanaError,
  expectGrafanaMessage,
  expectStatus,
  redactSecrets,
} from '../_support/expect-http.ts';
import { basicAuth, bearer, send, type HttpResult } from '../_support/http.ts';
import { uniqueName } from '../_support/keys.ts';
import { createToken, deleteToken, listTokens, postToken, type CreatedToken } from '../_support/sa-tokens.ts';
import { createServiceAccount, type CreatedAccount } from '../_support/service-accounts.ts';
import type { Target } from '../_support/target.ts';
import { corruptChecksum, GLSA, glsaChecksum } from '../_support/token-format.ts';

const TOKEN_SOURCE =
  'percona/grafana pkg/services/serviceaccounts/api/token.go, database/token_store.go (9.2/11.x); grafana/grafana pkg/components/satokengen (11.x)';
const PMM_SOURCE =
  'percona/pmm managed/utils/auth/token.go, managed/services/grafana/auth_server.go (3.x); docs/api/welcome/authentication.md';
const PMM3 = {
  profiles: ['pmm3'] as const,
  notOn:
    'glsa_ tokens are checked as PMM 3 uses them (Grafana 11.1); PMM 2.41 sends tokens to /api/auth/key, UNVERIFIED for glsa_ (pmm-auth §2.3), and Grafana 9.2 answers a duplicate token name with 409 (grafana-auth §5.3)',
  needs: ['write'] as const,
};
const VERSION = '/v1/server/version';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

let sa: CreatedAccount | undefined;
let tok: CreatedToken | undefined;

function shared(): { sa: CreatedAccount; tok: CreatedToken } {
  if (!sa || !tok) throw new Error('the service account and token of this file were not created (beforeAll)');
  return { sa, tok };
}

type Item = Record<string, unknown> & { id: number; name: string };

async function items(t: Target, saId: number): Promise<{ res: HttpResult; list: Item[] }> {
  const res = await listTokens(t, saId);
  expectStatus(res, 200, '200 with a JSON array of tokens');
  return { res, list: res.json<Item[]>() };
}

/** A well-formed token (right checksum) that no account has. */
function unknownToken(): string {
  const secret = [...randomBytes(32)].map((b) => ALNUM[b % ALNUM.length]).join('');
  return `glsa_${secret}_${glsaChecksum(secret)}`;
}

area('service-account tokens (PMM 3)', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, PMM3.needs, PMM3.profiles)) return;
    sa = await createServiceAccount(t, 'tok-viewer', 'Viewer');
    tok = await createToken(t, sa.id, 'tok-shared');
  });

  kase(
    {
      id: 'srv.token.001',
      level: 'MUST',
      ...PMM3,
      sends: 'POST /graph/api/serviceaccounts/<id>/tokens as admin with {"name"}',
      expects:
        '200 {"id","name","key"} (these fields, in this order); key is glsa_ + 32 alphanumerics + _ + 8 lower-case hex (46 characters)',
      ref: 'grafana-auth §5.3, grafana-auth §2.2',
      source: TOKEN_SOURCE,
    },
    async (t) => {
      const name = uniqueName(t, 'tok-create');
      const res = await postToken(t, shared().sa.id, { name });
      expectStatus(res, 200, '200 {"id","name","key"}');
      const body = res.json<Record<string, unknown>>();
      expect(Object.keys(body), `fields of the answer; got ${redactSecrets(res.text)}`).toEqual(['id', 'name', 'key']);
      expect(body.name).toBe(name);
      expect(Number.isInteger(body.id), `an integer id; got ${redactSecrets(res.text)}`).toBe(true);
      expect(
        GLSA.test(String(body.key)),
        `key of the form glsa_<32 alnum>_<8 hex>; got ${redactSecrets(String(body.key))} (${String(body.key).length} characters)`,
      ).toBe(true);
    },
  );

  kase(
    {
      id: 'srv.token.002',
      level: 'MUST',
      ...PMM3,
      sends: 'a token created by POST /graph/api/serviceaccounts/<id>/tokens',
      expects: 'its last 8 hex digits are the CRC-32 (IEEE) of "glsa_<secret>" as 4 little-endian bytes',
      ref: 'grafana-auth §2.2',
      source: 'grafana/grafana pkg/components/apikeygenprefixed/apikeygen.go (satokengen), with its test vector',
    },
    async () => {
      const m = GLSA.exec(shared().tok.key);
      expect(m, `a glsa_ token; got ${redactSecrets(shared().tok.key)}`).not.toBeNull();
      expect(m![2], 'checksum of the token').toBe(glsaChecksum(m![1]!));
    },
  );

  kase(
    {
      id: 'srv.token.003',
      level: 'MUST',
      ...PMM3,
      sends: `GET ${VERSION} with Basic service_token:<Viewer token> (https://service_token:TOKEN@host)`,
      expects: '200 with the version JSON (3.x)',
      ref: 'pmm-auth §2.3 (3.x), pmm-auth §3.4, pmm-auth §5.2 TestServiceAccountPermissions',
      source: PMM_SOURCE,
    },
    async (t) => {
      const res = await send(t, { path: VERSION, headers: basicAuth('service_token', shared().tok.key) });
      expectStatus(res, 200, '200 with the version JSON');
      expect(res.json<{ version: string }>().version).toMatch(/^3\./);
    },
  );

  kase(
    {
      id: 'srv.token.004',
      level: 'MUST',
      ...PMM3,
      sends: 'GET /v1/version (the v2 path) with Authorization: Bearer <Viewer token>',
      expects:
        '200 with the version JSON (3.x): nginx rewrites it to /v1/server/version, the auth layer still checks /v1/version (viewer)',
      ref: 'pmm-auth §1.3 (3.x rewrites), pmm-auth §2.1, pmm-auth §3.1',
      source: `${PMM_SOURCE}; build/ansible/roles/nginx/files/conf.d/pmm.conf`,
    },
    async (t) => {
      const res = await send(t, { path: '/v1/version', headers: bearer(shared().tok.key) });
      expectStatus(res, 200, '200 with the version JSON');
      expect(res.json<{ version: string }>().version).toMatch(/^3\./);
    },
  );

  kase(
    {
      id: 'srv.token.005',
      level: 'MUST',
      ...PMM3,
      sends: `GET ${VERSION} with Bearer <a valid token with its last checksum digit changed>`,
      expects: '401 code 16 (the checksum is checked), while the intact token gets 200',
      ref: 'grafana-auth §2.2, grafana-auth §3.5; pmm-auth §1.4, pmm-auth §2.3',
      source: `${TOKEN_SOURCE}; ${PMM_SOURCE}`,
    },
    async (t) => {
      expectAuthLayerError(await send(t, { path: VERSION, headers: bearer(corruptChecksum(shared().tok.key)) }), 16);
      expectStatus(
        await send(t, { path: VERSION, headers: bearer(shared().tok.key) }),
        200,
        '200 for the control request with the intact token',
      );
    },
  );

  kase(
    {
      id: 'srv.token.006',
      level: 'SHOULD',
      ...PMM3,
      sends: 'GET /graph/api/auth/key with Bearer <a valid token with a corrupted checksum>',
      expects: '401 {"message":"Unauthorized","traceID":""} (a non-typed error in 11.x; 9.2 answered 500)',
      ref: 'grafana-auth §3.5, grafana-auth §3.2',
      source: 'grafana/grafana pkg/services/authn/clients/api_key.go, pkg/middleware/auth.go (10.x–12.x)',
    },
    async (t) => {
      expectGrafanaError(
        await send(t, { path: '/graph/api/auth/key', headers: bearer(corruptChecksum(shared().tok.key)) }),
        401,
        { message: 'Unauthorized', traceID: '' },
      );
    },
  );

  kase(
    {
      id: 'srv.token.007',
      level: 'MUST',
      ...PMM3,
      sends: `GET ${VERSION} with Bearer <a well-formed glsa_ token, right checksum, of no account>`,
      expects: '401 code 16',
      ref: 'grafana-auth §2.2, grafana-auth §3.5; pmm-auth §1.4, pmm-auth §2.3',
      source: `${TOKEN_SOURCE}; ${PMM_SOURCE}`,
      needs: [],
    },
    async (t) => {
      expectAuthLayerError(await send(t, { path: VERSION, headers: bearer(unknownToken()) }), 16);
    },
  );

  kase(
    {
      id: 'srv.token.008',
      level: 'MUST',
      ...PMM3,
      sends:
        'GET /graph/api/serviceaccounts/<id>/tokens as admin, after creating an unused token without TTL and one with secondsToLive 3600',
      expects:
        '200; items {id,name,created,lastUsedAt,expiration,secondsUntilExpiration,hasExpired,isRevoked}: null/null/0 without TTL, about now + 1 h / about 3600 with it; no secret',
      ref: 'grafana-auth §4, grafana-auth §5.3',
      source: TOKEN_SOURCE,
    },
    async (t) => {
      const account = await createServiceAccount(t, 'tok-list', 'Viewer');
      const plain = await createToken(t, account.id, 'tok-list-plain');
      const ttl = await createToken(t, account.id, 'tok-list-ttl', 3600);
      const created = Date.now();
      const { res, list } = await items(t, account.id);
      const fields = [
        'id',
        'name',
        'created',
        'lastUsedAt',
        'expiration',
        'secondsUntilExpiration',
        'hasExpired',
        'isRevoked',
      ];
      const a = list.find((i) => i.id === plain.id);
      const b = list.find((i) => i.id === ttl.id);
      expect(a && b, `both tokens listed; got ${redactSecrets(res.text.slice(0, 400))}`).toBeTruthy();
      expect(Object.keys(a!), 'fields of a token').toEqual(fields);
      expect(a).toMatchObject({
        name: plain.name,
        lastUsedAt: null,
        expiration: null,
        secondsUntilExpiration: 0,
        hasExpired: false,
        isRevoked: false,
      });
      expect(a!.created, 'created is RFC 3339').toMatch(RFC3339);
      expect(b).toMatchObject({ name: ttl.name, hasExpired: false, isRevoked: false });
      expect(b!.expiration, 'expiration is RFC 3339').toMatch(RFC3339);
      expect(
        Math.abs((Date.parse(String(b!.expiration)) - created) / 1000 - 3600),
        'expiration about 1 h after creation',
      ).toBeLessThanOrEqual(10);
      expect(
        Math.abs(Number(b!.secondsUntilExpiration) - 3600),
        'secondsUntilExpiration about 3600 (within 7 days)',
      ).toBeLessThanOrEqual(10);
      for (const k of [plain.key, ttl.key]) expect(res.text.includes(k), 'the list contains a secret').toBe(false);
    },
  );

  kase(
    {
      id: 'srv.token.009',
      level: 'MUST',
      ...PMM3,
      sends: 'POST /graph/api/serviceaccounts/<id>/tokens as admin with the name of an existing token',
      expects:
        '400 {"message":"service account token with given name already exists in the organization",…} (11.x; 9.2 answered 409)',
      ref: 'grafana-auth §5.3',
      source: TOKEN_SOURCE,
    },
    async (t) => {
      const res = await postToken(t, shared().sa.id, { name: shared().tok.name });
      expectGrafanaMessage(res, 400, 'service account token with given name already exists in the organization');
    },
  );

  kase(
    {
      id: 'srv.token.010',
      level: 'MUST',
      ...PMM3,
      sends: 'POST /graph/api/serviceaccounts/<id>/tokens as admin with secondsToLive -1',
      expects: '400',
      ref: 'grafana-auth §5.3',
      source: TOKEN_SOURCE,
    },
    async (t) => {
      expectStatus(
        await postToken(t, shared().sa.id, { name: uniqueName(t, 'tok-negative'), secondsToLive: -1 }),
        400,
        '400 for a negative TTL',
      );
    },
  );

  kase(
    {
      id: 'srv.token.011',
      level: 'MUST',
      ...PMM3,
      sends: `DELETE /graph/api/serviceaccounts/<id>/tokens/<tokenId> as admin, then GET ${VERSION} with that token (polled up to 10 s)`,
      expects:
        '200 {"message":"Service account token deleted"}; then 401 code 16; the account\'s other token still works',
      ref: 'grafana-auth §5.3; pmm-auth §1.4, pmm-auth §2.3, pmm-auth §2.4',
      source: `${TOKEN_SOURCE}; ${PMM_SOURCE}`,
    },
    async (t) => {
      const gone = await createToken(t, shared().sa.id, 'tok-delete');
      expectStatus(await send(t, { path: VERSION, headers: bearer(gone.key) }), 200, '200 before the DELETE');
      expectGrafanaError(await deleteToken(t, gone), 200, { message: 'Service account token deleted' });
      const pmm = await eventually(
        () => send(t, { path: VERSION, headers: bearer(gone.key) }),
        (r) => r.status !== 200,
        t.pollSeconds,
      );
      expectAuthLayerError(pmm, 16);
      expectStatus(
        await send(t, { path: VERSION, headers: bearer(shared().tok.key) }),
        200,
        "200 with the account's other token",
      );
    },
  );

  kase(
    {
      id: 'srv.token.012',
      level: 'SHOULD',
      ...PMM3,
      sends: 'DELETE /graph/api/serviceaccounts/<id>/tokens/<tokenId> as admin twice',
      expects: 'the second answer is 404 {"message":"Failed to delete service account token",…}',
      ref: 'grafana-auth §5.3',
      source: TOKEN_SOURCE,
    },
    async (t) => {
      const twice = await createToken(t, shared().sa.id, 'tok-delete-twice');
      expectStatus(await deleteToken(t, twice), 200, '200 for the first DELETE');
      expectGrafanaMessage(await deleteToken(t, twice), 404, 'Failed to delete service account token');
    },
  );

  kase(
    {
      id: 'srv.token.013',
      level: 'OBSERVED',
      ...PMM3,
      sends: `GET ${VERSION} with a fresh token, then GET /graph/api/serviceaccounts/<id>/tokens (polled up to 10 s)`,
      expects: "the token's lastUsedAt turns from null to an RFC 3339 time (updated asynchronously)",
      ref: 'grafana-auth §3.3, grafana-auth §3.4 (last-used, asynchronous), grafana-auth §4',
      source: TOKEN_SOURCE,
    },
    async (t) => {
      const used = await createToken(t, shared().sa.id, 'tok-last-used');
      expectStatus(await send(t, { path: VERSION, headers: bearer(used.key) }), 200, '200 with the fresh token');
      const last = await eventually(
        () => items(t, shared().sa.id),
        ({ list }) => list.find((i) => i.id === used.id)?.lastUsedAt != null,
        t.pollSeconds,
      );
      expect(last.list.find((i) => i.id === used.id)?.lastUsedAt, 'lastUsedAt of the used token').toMatch(RFC3339);
    },
  );
});
