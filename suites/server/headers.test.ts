/**
 * Header parsing: only `Authorization: Bearer <key>` (exactly that case, one space) and Basic with
 * user `api_key` carry an API key (pmm-auth §2.3, grafana-auth §3.1). Everything else — other
 * cases of the scheme, two spaces, other Basic user names, a key in the query string — is refused
 * by PMM's auth layer with the code-16 body (pmm-auth §1.4), even when the key itself is valid.
 * Then Grafana's own bodies at /graph/api/auth/key (grafana-auth §3.1, grafana-auth §3.2, grafana-auth §3.6): VERIFIED from
 * the 9.2 fork's code, not yet confirmed on a live 2.41, hence SHOULD; 11.x bodies (grafana-auth §3.4, grafana-auth §3.5) are
 * LIKELY. On PMM 3 the credential is a service-account token (credentials.ts), the path
 * /v1/server/version, and the bodies come from the profile table (profile.ts).
 */
import { beforeAll, expect, inject } from 'vitest';
import { area, kase, targetAllows } from '../_support/case.ts';
import { createCredential, type Credential } from '../_support/credentials.ts';
import { expectAuthLayerError, expectGrafanaError, expectStatus, redactSecrets } from '../_support/expect-http.ts';
import { basicAuth, bearer, send, type HttpResult } from '../_support/http.ts';
import { facts, PROFILES } from '../_support/profile.ts';
import type { Target } from '../_support/target.ts';

let viewer: Credential | undefined;
const F = facts(inject('target'));
const V = `<valid Viewer ${F.credential}>`;
const BOTH = { profiles: PROFILES };

/** The shared valid Viewer key or token (created in beforeAll when the target allows writing). */
function key(): Credential {
  if (!viewer) throw new Error('the Viewer key of this file was not created (beforeAll)');
  return viewer;
}

/**
 * Control: the same key in the canonical form authenticates, so the refusal just checked is due
 * to the header's form and not to a broken key.
 */
async function expectKeyWorks(t: Target, k: Credential): Promise<void> {
  const res = await send(t, { path: F.versionPath, headers: bearer(k.key) });
  expectStatus(res, 200, `200 for the control request with "Bearer <the same key>"`);
}

/** GET `path` with exactly `headers`. */
function refused(t: Target, headers: Record<string, string>, path = F.versionPath): Promise<HttpResult> {
  return send(t, { path, headers });
}

/** A well-formed legacy key (grafana-auth §2.1) whose name no key has. */
function unknownKey(): string {
  return Buffer.from(JSON.stringify({ k: 'B'.repeat(32), n: 'pmmconf-no-such-key-headers', id: 1 })).toString('base64');
}

const PMM_241 =
  'percona/pmm managed/services/grafana/client.go, auth_server.go (v2.41.0), managed/utils/auth/token.go (3.x); percona/grafana pkg/services/contexthandler/contexthandler.go (9.2 fork); grafana/grafana pkg/services/authn/clients/api_key.go (11.x)';
const CTX_92 =
  'percona/grafana pkg/services/contexthandler/contexthandler.go (9.2 fork); grafana/grafana pkg/services/authn/clients/api_key.go, pkg/middleware/auth.go (10.x–12.x, for 11.1)';
/** The header cases on PMM paths: 9.2 (grafana-auth §3.1) and 11.x (grafana-auth §3.4) parse alike; PMM 3 adds service_token: (pmm-auth §2.3). */
const PARSE_REF = 'pmm-auth §1.4, pmm-auth §2.3; grafana-auth §3.1, grafana-auth §3.4';

area('header parsing: only "Bearer <key>" and Basic api_key:<key> carry a key', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, ['write'])) return;
    viewer = await createCredential(t, 'hdr-viewer', 'Viewer');
  });

  kase(
    {
      id: 'srv.header.001',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Authorization: bearer ${V} (lower-case scheme)`,
      expects: '401 {"code":16,…}',
      ref: PARSE_REF,
      source: PMM_241,
      needs: ['write'],
      ...BOTH,
    },
    async (t) => {
      expectAuthLayerError(await refused(t, { Authorization: `bearer ${key().key}` }), 16);
      await expectKeyWorks(t, key());
    },
  );

  kase(
    {
      id: 'srv.header.002',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Authorization: BEARER ${V} (upper-case scheme)`,
      expects: '401 {"code":16,…}',
      ref: PARSE_REF,
      source: PMM_241,
      needs: ['write'],
      ...BOTH,
    },
    async (t) => {
      expectAuthLayerError(await refused(t, { Authorization: `BEARER ${key().key}` }), 16);
      await expectKeyWorks(t, key());
    },
  );

  kase(
    {
      id: 'srv.header.003',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Authorization: "Bearer  ${V}" (two spaces)`,
      expects: '401 {"code":16,…} (the key then starts with a space and matches nothing)',
      ref: `${PARSE_REF}, grafana-auth §2.1, grafana-auth §2.2, grafana-auth §3.2, grafana-auth §3.5`,
      source: PMM_241,
      needs: ['write'],
      ...BOTH,
    },
    async (t) => {
      expectAuthLayerError(await refused(t, { Authorization: `Bearer  ${key().key}` }), 16);
      await expectKeyWorks(t, key());
    },
  );

  kase(
    {
      id: 'srv.header.004',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Basic API_KEY:${V} (user name upper case)`,
      expects: '401 {"code":16,…} (a user login attempt, not an API key)',
      ref: `${PARSE_REF}, grafana-auth §6.1`,
      source: PMM_241,
      needs: ['write'],
      ...BOTH,
    },
    async (t) => {
      expectAuthLayerError(await refused(t, basicAuth('API_KEY', key().key)), 16);
      await expectKeyWorks(t, key());
    },
  );

  kase(
    {
      id: 'srv.header.005',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Basic apikey:${V} (no underscore)`,
      expects: '401 {"code":16,…} (a user login attempt, not an API key)',
      ref: `${PARSE_REF}, grafana-auth §6.1`,
      source: PMM_241,
      needs: ['write'],
      ...BOTH,
    },
    async (t) => {
      expectAuthLayerError(await refused(t, basicAuth('apikey', key().key)), 16);
      await expectKeyWorks(t, key());
    },
  );

  kase(
    {
      id: 'srv.header.006',
      level: 'MUST',
      sends: `GET ${F.versionPath}?api_key=${V} without an Authorization header`,
      expects: '401 {"code":16,"error":"Unauthorized","message":"Unauthorized"} (no query-string keys)',
      ref: PARSE_REF,
      source: PMM_241,
      needs: ['write'],
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: `${F.versionPath}?api_key=${encodeURIComponent(key().key)}` });
      expectAuthLayerError(res, 16, 'Unauthorized');
      await expectKeyWorks(t, key());
    },
  );

  kase(
    {
      id: 'srv.header.007',
      level: 'SHOULD',
      sends: `GET /graph/api/auth/key with Authorization: bearer ${V} (lower-case scheme)`,
      expects: `401 ${JSON.stringify(F.grafana.lowerCaseBearer)}`,
      ref: 'grafana-auth §3.1 (9.2); grafana-auth §3.4, grafana-auth §3.5 (11.x, LIKELY)',
      source: CTX_92,
      needs: ['write'],
      ...BOTH,
    },
    async (t) => {
      expectGrafanaError(
        await refused(t, { Authorization: `bearer ${key().key}` }, '/graph/api/auth/key'),
        401,
        F.grafana.lowerCaseBearer,
      );
    },
  );

  kase(
    {
      id: 'srv.header.008',
      level: 'SHOULD',
      sends: 'GET /graph/api/auth/key with Authorization: Bearer <a well-formed key of no existing name>',
      expects: `401 ${JSON.stringify(F.grafana.unknownKey)}`,
      ref: 'grafana-auth §3.2, grafana-auth §2.1 (9.2); grafana-auth §3.5 (11.x, LIKELY)',
      source: CTX_92,
      ...BOTH,
    },
    async (t) => {
      expectGrafanaError(await refused(t, bearer(unknownKey()), '/graph/api/auth/key'), 401, F.grafana.unknownKey);
    },
  );

  kase(
    {
      id: 'srv.header.009',
      level: 'SHOULD',
      sends: 'GET /graph/api/auth/key without credentials',
      expects: `401 ${JSON.stringify(F.grafana.unauthorized)}`,
      ref: 'grafana-auth §3.6 (9.2); grafana-auth §3.5 (11.x, LIKELY)',
      source:
        'grafana/grafana pkg/middleware/auth.go (9.0; 10.x–12.x notAuthorized); percona/grafana pkg/middleware/auth.go (9.2 fork)',
      ...BOTH,
    },
    async (t) => {
      expectGrafanaError(await refused(t, {}, '/graph/api/auth/key'), 401, F.grafana.unauthorized);
    },
  );

  kase(
    {
      id: 'srv.header.010',
      level: 'SHOULD',
      sends: 'GET /graph/api/auth/key with Authorization: Bearer <valid Viewer key>',
      expects: "200 with the id, name and role of that key (Percona's current-key endpoint)",
      ref: 'grafana-auth §1.1; pmm-auth §2.3',
      source:
        'percona/grafana pkg/api/apikey.go GetAPIKeyCurrent (9.2 fork); percona/pmm managed/services/grafana/client.go (v2.41.0)',
      needs: ['write'],
      notOn:
        "PMM 3 authenticates with service-account tokens, and what Percona's /api/auth/key answers for one is UNVERIFIED (grafana-auth §1.1); srv.sa.012 checks /api/auth/serviceaccount, which PMM 3 asks (pmm-auth §2.3)",
    },
    async (t) => {
      const res = await send(t, { path: '/graph/api/auth/key', headers: bearer(key().key) });
      expectStatus(res, 200, '200 with the current key');
      const body = res.json<Record<string, unknown>>();
      expect(body, `the current key's id, name and role; got ${redactSecrets(res.text)}`).toMatchObject({
        id: key().id,
        name: key().name,
        role: 'Viewer',
      });
    },
  );
});
