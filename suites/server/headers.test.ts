/**
 * Header parsing: only `Authorization: Bearer <key>` (exactly that case, one space) and Basic with
 * user `api_key` carry an API key (pmm-auth §2.3, grafana-auth §3.1). Everything else — other
 * cases of the scheme, two spaces, other Basic user names, a key in the query string — is refused
 * by PMM's auth layer with the code-16 body (pmm-auth §1.4), even when the key itself is valid.
 * Then Grafana's own bodies at /graph/api/auth/key (grafana-auth §3.1, §3.2, §3.6): VERIFIED from
 * the 9.2 fork's code, not yet confirmed on a live 2.41, hence SHOULD.
 */
import { beforeAll, describe, expect, inject } from 'vitest';
import { kase, targetAllows } from '../_support/case.ts';
import { expectAuthLayerError, expectGrafanaError, expectStatus, INVALID_BASIC_HEADER, INVALID_KEY, UNAUTHORIZED, redactSecrets } from '../_support/expect-http.ts';
import { basicAuth, bearer, send, type HttpResult } from '../_support/http.ts';
import { createKey, type CreatedKey } from '../_support/keys.ts';
import type { Target } from '../_support/target.ts';

let viewer: CreatedKey | undefined;

/** The shared valid Viewer key (created in beforeAll when the target allows writing). */
function key(): CreatedKey {
  if (!viewer) throw new Error('the Viewer key of this file was not created (beforeAll)');
  return viewer;
}

/**
 * Control: the same key in the canonical form authenticates, so the refusal just checked is due
 * to the header's form and not to a broken key.
 */
async function expectKeyWorks(t: Target, k: CreatedKey): Promise<void> {
  const res = await send(t, { path: '/v1/version', headers: bearer(k.key) });
  expectStatus(res, 200, `200 for the control request with "Bearer <the same key>"`);
}

/** GET `path` with exactly `headers`. */
function refused(t: Target, headers: Record<string, string>, path = '/v1/version'): Promise<HttpResult> {
  return send(t, { path, headers });
}

/** A well-formed legacy key (grafana-auth §2.1) whose name no key has. */
function unknownKey(): string {
  return Buffer.from(JSON.stringify({ k: 'B'.repeat(32), n: 'pmmconf-no-such-key-headers', id: 1 })).toString('base64');
}

const PMM_241 = 'percona/pmm managed/services/grafana/client.go, auth_server.go (v2.41.0); percona/grafana pkg/services/contexthandler/contexthandler.go (9.2 fork)';
const CTX_92 = 'percona/grafana pkg/services/contexthandler/contexthandler.go (9.2 fork)';

describe('header parsing: only "Bearer <key>" and Basic api_key:<key> carry a key', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, 'write')) return;
    viewer = await createKey(t, 'hdr-viewer', 'Viewer');
  });

  kase({
    id: 'srv.header.001', level: 'MUST',
    sends: 'GET /v1/version with Authorization: bearer <valid Viewer key> (lower-case scheme)',
    expects: '401 {"code":16,…}',
    ref: 'pmm-auth §1.4, §2.3; grafana-auth §3.1', source: PMM_241, needs: ['write'],
  }, async (t) => {
    expectAuthLayerError(await refused(t, { Authorization: `bearer ${key().key}` }), 16);
    await expectKeyWorks(t, key());
  });

  kase({
    id: 'srv.header.002', level: 'MUST',
    sends: 'GET /v1/version with Authorization: BEARER <valid Viewer key> (upper-case scheme)',
    expects: '401 {"code":16,…}',
    ref: 'pmm-auth §1.4, §2.3; grafana-auth §3.1', source: PMM_241, needs: ['write'],
  }, async (t) => {
    expectAuthLayerError(await refused(t, { Authorization: `BEARER ${key().key}` }), 16);
    await expectKeyWorks(t, key());
  });

  kase({
    id: 'srv.header.003', level: 'MUST',
    sends: 'GET /v1/version with Authorization: "Bearer  <valid Viewer key>" (two spaces)',
    expects: '401 {"code":16,…} (the key then starts with a space and does not decode)',
    ref: 'pmm-auth §1.4, §2.3; grafana-auth §3.1, §2.1, §3.2', source: PMM_241, needs: ['write'],
  }, async (t) => {
    expectAuthLayerError(await refused(t, { Authorization: `Bearer  ${key().key}` }), 16);
    await expectKeyWorks(t, key());
  });

  kase({
    id: 'srv.header.004', level: 'MUST',
    sends: 'GET /v1/version with Basic API_KEY:<valid Viewer key> (user name upper case)',
    expects: '401 {"code":16,…} (a user login attempt, not an API key)',
    ref: 'pmm-auth §1.4, §2.3; grafana-auth §3.1, §6.1', source: PMM_241, needs: ['write'],
  }, async (t) => {
    expectAuthLayerError(await refused(t, basicAuth('API_KEY', key().key)), 16);
    await expectKeyWorks(t, key());
  });

  kase({
    id: 'srv.header.005', level: 'MUST',
    sends: 'GET /v1/version with Basic apikey:<valid Viewer key> (no underscore)',
    expects: '401 {"code":16,…} (a user login attempt, not an API key)',
    ref: 'pmm-auth §1.4, §2.3; grafana-auth §3.1, §6.1', source: PMM_241, needs: ['write'],
  }, async (t) => {
    expectAuthLayerError(await refused(t, basicAuth('apikey', key().key)), 16);
    await expectKeyWorks(t, key());
  });

  kase({
    id: 'srv.header.006', level: 'MUST',
    sends: 'GET /v1/version?api_key=<valid Viewer key> without an Authorization header',
    expects: '401 {"code":16,"error":"Unauthorized","message":"Unauthorized"} (no query-string keys)',
    ref: 'pmm-auth §1.4, §2.3; grafana-auth §3.1', source: PMM_241, needs: ['write'],
  }, async (t) => {
    const res = await send(t, { path: `/v1/version?api_key=${encodeURIComponent(key().key)}` });
    expectAuthLayerError(res, 16, 'Unauthorized');
    await expectKeyWorks(t, key());
  });

  kase({
    id: 'srv.header.007', level: 'SHOULD',
    sends: 'GET /graph/api/auth/key with Authorization: bearer <valid Viewer key> (lower-case scheme)',
    expects: '401 {"message":"Invalid Basic Auth Header","traceID":""}',
    ref: 'grafana-auth §3.1', source: CTX_92, needs: ['write'],
  }, async (t) => {
    expectGrafanaError(await refused(t, { Authorization: `bearer ${key().key}` }, '/graph/api/auth/key'), 401, INVALID_BASIC_HEADER);
  });

  kase({
    id: 'srv.header.008', level: 'SHOULD',
    sends: 'GET /graph/api/auth/key with Authorization: Bearer <a well-formed key of no existing name>',
    expects: '401 {"message":"invalid Service Token/API key","traceID":""}',
    ref: 'grafana-auth §3.2, §2.1', source: CTX_92,
  }, async (t) => {
    expectGrafanaError(await refused(t, bearer(unknownKey()), '/graph/api/auth/key'), 401, INVALID_KEY);
  });

  kase({
    id: 'srv.header.009', level: 'SHOULD',
    sends: 'GET /graph/api/auth/key without credentials',
    expects: '401 {"message":"Unauthorized"}',
    ref: 'grafana-auth §3.6', source: 'grafana/grafana pkg/middleware/auth.go (9.0); percona/grafana pkg/middleware/auth.go (9.2 fork)',
  }, async (t) => {
    expectGrafanaError(await refused(t, {}, '/graph/api/auth/key'), 401, UNAUTHORIZED);
  });

  kase({
    id: 'srv.header.010', level: 'SHOULD',
    sends: 'GET /graph/api/auth/key with Authorization: Bearer <valid Viewer key>',
    expects: '200 with the id, name and role of that key (Percona\'s current-key endpoint)',
    ref: 'grafana-auth §1.1; pmm-auth §2.3', source: 'percona/grafana pkg/api/apikey.go GetAPIKeyCurrent (9.2 fork); percona/pmm managed/services/grafana/client.go (v2.41.0)', needs: ['write'],
  }, async (t) => {
    const res = await send(t, { path: '/graph/api/auth/key', headers: bearer(key().key) });
    expectStatus(res, 200, '200 with the current key');
    const body = res.json<Record<string, unknown>>();
    expect(body, `the current key's id, name and role; got ${redactSecrets(res.text)}`).toMatchObject({ id: key().id, name: key().name, role: 'Viewer' });
  });
});
