/**
 * Service accounts under /graph/api/serviceaccounts on PMM 3 (grafana-auth §5.3; pmm-auth §4.2):
 * create (201, login `sa-<lower-cased name, spaces → ->`, Percona's `force`), search (paging
 * defaults), get, update, delete (tokens go with it), a disabled account's token refused, and
 * Percona's /api/auth/serviceaccount that PMM 3's auth layer asks (pmm-auth §2.3). Every account
 * is this run's (`pmmconf-<runId>-…`) and is deleted at the end.
 */
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
import { adminAuth, bearer, send, type HttpResult } from '../_support/http.ts';
import { uniqueName } from '../_support/keys.ts';
import { createToken, type CreatedToken } from '../_support/sa-tokens.ts';
import {
  createServiceAccount,
  deleteServiceAccount,
  postServiceAccount,
  SA_API,
  searchAccounts,
  type CreatedAccount,
} from '../_support/service-accounts.ts';
import type { Target } from '../_support/target.ts';

const SA_SOURCE =
  'percona/grafana pkg/services/serviceaccounts/api/api.go, database/store.go (11.x, @PERCONA); grafana/grafana pkg/services/serviceaccounts (11.x/12.x)';
const PMM3 = {
  profiles: ['pmm3'] as const,
  notOn:
    "service accounts are checked as PMM 3 uses them (Grafana 11.1, pmm-auth §4.2); Grafana 9.2's answers differ (grafana-auth §5.3) and PMM 2.41 checks tokens through /api/auth/key, UNVERIFIED for glsa_ tokens (pmm-auth §2.3)",
  needs: ['write'] as const,
};
const VERSION = '/v1/server/version';

let shared: CreatedAccount | undefined;

function account(): CreatedAccount {
  if (!shared) throw new Error('the service account of this file was not created (beforeAll)');
  return shared;
}

const getAccount = (t: Target, id: number): Promise<HttpResult> =>
  send(t, { path: `${SA_API}/${id}`, headers: adminAuth(t) });

function patchAccount(t: Target, id: number, body: Record<string, unknown>): Promise<HttpResult> {
  return send(t, {
    method: 'PATCH',
    path: `${SA_API}/${id}`,
    headers: { ...adminAuth(t), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A Viewer account with a token that authenticates now (the control for the refusals below). */
async function workingToken(t: Target, label: string): Promise<{ sa: CreatedAccount; tok: CreatedToken }> {
  const sa = await createServiceAccount(t, label, 'Viewer');
  const tok = await createToken(t, sa.id, `${label}-token`);
  expectStatus(
    await send(t, { path: VERSION, headers: bearer(tok.key) }),
    200,
    `200 from ${VERSION} with the token before the change`,
  );
  return { sa, tok };
}

area('service accounts (PMM 3)', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, PMM3.needs, PMM3.profiles)) return;
    shared = await createServiceAccount(t, 'sa-shared', 'Viewer');
  });

  kase(
    {
      id: 'srv.sa.001',
      level: 'MUST',
      ...PMM3,
      sends: 'POST /graph/api/serviceaccounts as admin with {"name":"pmmconf-<run>-SA Life…","role":"Viewer"}',
      expects:
        '201 with id, the name, login "sa-" + the name lower-cased with spaces → "-", role Viewer, isDisabled false',
      ref: 'grafana-auth §5.3',
      source: SA_SOURCE,
    },
    async (t) => {
      const name = uniqueName(t, 'SA Life');
      const res = await postServiceAccount(t, { name, role: 'Viewer' });
      expectStatus(res, 201, '201 with the service account');
      const sa = res.json<Record<string, unknown>>();
      expect(Number.isInteger(sa.id), `an integer id; got ${res.text}`).toBe(true);
      expect(sa).toMatchObject({
        name,
        login: `sa-${name.toLowerCase().replaceAll(' ', '-')}`,
        role: 'Viewer',
        isDisabled: false,
      });
    },
  );

  kase(
    {
      id: 'srv.sa.002',
      level: 'MUST',
      ...PMM3,
      sends:
        'POST /graph/api/serviceaccounts as admin with the name of an existing account of this run, role Editor, no "force"',
      expects: '2xx with the same account (same id), now role Editor (Percona updates instead of failing)',
      ref: 'grafana-auth §5.3 (Percona force)',
      source: SA_SOURCE,
    },
    async (t) => {
      const sa = await createServiceAccount(t, 'sa-force', 'Viewer');
      const res = await postServiceAccount(t, { name: sa.name, role: 'Editor' });
      expect(res.status >= 200 && res.status < 300, `expected 2xx; got ${res.status} ${res.text}`).toBe(true);
      expect(res.json()).toMatchObject({ id: sa.id, name: sa.name, role: 'Editor' });
      expect((await getAccount(t, sa.id)).json()).toMatchObject({ id: sa.id, role: 'Editor' });
    },
  );

  kase(
    {
      id: 'srv.sa.003',
      level: 'MUST',
      ...PMM3,
      sends:
        'POST /graph/api/serviceaccounts as admin with the name of an existing account of this run and "force":true',
      expects: '400 {"message":"service account already exists",…}',
      ref: 'grafana-auth §5.3 (Percona force)',
      source: SA_SOURCE,
    },
    async (t) => {
      expectGrafanaMessage(
        await postServiceAccount(t, { name: account().name, role: 'Viewer', force: true }),
        400,
        'service account already exists',
      );
    },
  );

  kase(
    {
      id: 'srv.sa.004',
      level: 'MUST',
      ...PMM3,
      sends: 'GET /graph/api/serviceaccounts/search?query=pmmconf-<run>- as admin',
      expects:
        '200 {"totalCount","serviceAccounts","page":1,"perPage":1000}; this run\'s account with id, name, login, orgId, isDisabled, role, tokens, avatarUrl',
      ref: 'grafana-auth §5.3',
      source: SA_SOURCE,
    },
    async (t) => {
      const res = await searchAccounts(t, { query: `pmmconf-${t.runId}-` });
      expectStatus(res, 200, '200 with a page of service accounts');
      const page = res.json<{
        totalCount?: unknown;
        page?: unknown;
        perPage?: unknown;
        serviceAccounts?: Record<string, unknown>[];
      }>();
      expect(page, 'paging defaults: perpage 1000, page 1').toMatchObject({ page: 1, perPage: 1000 });
      expect(typeof page.totalCount, `totalCount is a number; got ${res.text.slice(0, 300)}`).toBe('number');
      const item = page.serviceAccounts?.find((s) => s.id === account().id);
      expect(item, `account ${account().name} in the search result`).toBeDefined();
      expect(Object.keys(item!)).toEqual(
        expect.arrayContaining(['id', 'name', 'login', 'orgId', 'isDisabled', 'role', 'tokens', 'avatarUrl']),
      );
      expect(item).toMatchObject({
        name: account().name,
        login: account().login,
        orgId: 1,
        isDisabled: false,
        role: 'Viewer',
      });
    },
  );

  kase(
    {
      id: 'srv.sa.005',
      level: 'MUST',
      ...PMM3,
      sends: "GET /graph/api/serviceaccounts/<id of this run's account> as admin",
      expects: '200 {id,name,login,orgId,isDisabled,createdAt,updatedAt,avatarUrl,role,teams,tokens}',
      ref: 'grafana-auth §5.3',
      source: SA_SOURCE,
    },
    async (t) => {
      const res = await getAccount(t, account().id);
      expectStatus(res, 200, "200 with the service account's profile");
      const body = res.json<Record<string, unknown>>();
      expect(Object.keys(body)).toEqual(
        expect.arrayContaining([
          'id',
          'name',
          'login',
          'orgId',
          'isDisabled',
          'createdAt',
          'updatedAt',
          'avatarUrl',
          'role',
          'teams',
          'tokens',
        ]),
      );
      expect(body).toMatchObject({ id: account().id, name: account().name, login: account().login, role: 'Viewer' });
    },
  );

  kase(
    {
      id: 'srv.sa.006',
      level: 'MUST',
      ...PMM3,
      sends: 'GET /graph/api/serviceaccounts/987654321 as admin (no such account)',
      expects: '404 {"message":"service account not found",…}',
      ref: 'grafana-auth §5.3',
      source: SA_SOURCE,
      needs: [],
    },
    async (t) => {
      expectGrafanaMessage(await getAccount(t, 987654321), 404, /service account not found/i);
    },
  );

  kase(
    {
      id: 'srv.sa.007',
      level: 'MUST',
      ...PMM3,
      sends: 'PATCH /graph/api/serviceaccounts/<id> as admin with {"role":"Admin"}',
      expects:
        '200 {"id","name","serviceaccount":{…"role":"Admin"…},"message":"Service account updated"}; GET shows role Admin',
      ref: 'grafana-auth §5.3',
      source: SA_SOURCE,
    },
    async (t) => {
      const sa = await createServiceAccount(t, 'sa-patch', 'Viewer');
      const res = await patchAccount(t, sa.id, { role: 'Admin' });
      expectStatus(res, 200, '200 "Service account updated"');
      expect(res.json()).toMatchObject({
        id: sa.id,
        name: sa.name,
        serviceaccount: { id: sa.id, role: 'Admin' },
        message: 'Service account updated',
      });
      expect((await getAccount(t, sa.id)).json()).toMatchObject({ id: sa.id, role: 'Admin' });
    },
  );

  kase(
    {
      id: 'srv.sa.008',
      level: 'MUST',
      ...PMM3,
      sends: `DELETE /graph/api/serviceaccounts/<id> as admin, then GET ${VERSION} with its token (polled up to 10 s) and GET the account`,
      expects:
        '200 {"message":"Service account deleted"}; the token gets 401 code 16 (deleted with the account); the account 404',
      ref: 'grafana-auth §5.3; pmm-auth §1.4, pmm-auth §2.3, pmm-auth §2.4',
      source: `${SA_SOURCE}; percona/pmm managed/services/grafana/auth_server.go`,
    },
    async (t) => {
      const { sa, tok } = await workingToken(t, 'sa-delete');
      expectGrafanaError(await deleteServiceAccount(t, sa.id, sa.name), 200, { message: 'Service account deleted' });
      const pmm = await eventually(
        () => send(t, { path: VERSION, headers: bearer(tok.key) }),
        (r) => r.status !== 200,
        t.pollSeconds,
      );
      expectAuthLayerError(pmm, 16);
      expectStatus(await getAccount(t, sa.id), 404, '404 for the deleted account');
    },
  );

  kase(
    {
      id: 'srv.sa.009',
      level: 'SHOULD',
      ...PMM3,
      sends: 'POST /graph/api/serviceaccounts with Authorization: Bearer <token of a Viewer account>',
      expects: '403 {"accessErrorId":"ACE…","message":"…serviceaccounts:create…","title":"Access denied"}',
      ref: 'grafana-auth §5.3 (RBAC serviceaccounts:create), grafana-auth §1.1 (the 403 body)',
      source: `${SA_SOURCE}; grafana/grafana pkg/services/accesscontrol/middleware.go`,
    },
    async (t) => {
      const tok = await createToken(t, account().id, 'sa-viewer-token');
      const res = await postServiceAccount(t, { name: uniqueName(t, 'by-viewer'), role: 'Viewer' }, bearer(tok.key));
      expectStatus(res, 403, '403 Access denied');
      const body = res.json<{ accessErrorId?: unknown; title?: unknown; message?: unknown }>();
      expect(body.title, redactSecrets(res.text)).toBe('Access denied');
      expect(body.accessErrorId, redactSecrets(res.text)).toMatch(/^ACE\d{10}$/);
      expect(body.message, redactSecrets(res.text)).toEqual(expect.stringContaining('serviceaccounts:create'));
    },
  );

  kase(
    {
      id: 'srv.sa.010',
      level: 'MUST',
      ...PMM3,
      sends: 'POST /graph/api/serviceaccounts as admin with {} (no name)',
      expects: '400 {"message":"Bad request data",…} (capital B)',
      ref: 'grafana-auth §5.3',
      source: SA_SOURCE,
    },
    async (t) => {
      expectGrafanaMessage(await postServiceAccount(t, {}), 400, 'Bad request data');
    },
  );

  kase(
    {
      id: 'srv.sa.011',
      level: 'MUST',
      ...PMM3,
      sends: `PATCH a Viewer account to {"isDisabled":true}, then GET ${VERSION} (polled up to 10 s) and GET /graph/api/auth/key with its token`,
      expects: "401 code 16 from the auth layer, 401 from Grafana (a disabled account's token is refused)",
      ref: 'grafana-auth §3.2, grafana-auth §3.5, grafana-auth §5.3; pmm-auth §1.4, pmm-auth §2.3, pmm-auth §2.4, pmm-auth §4.2 (PMM-T1884)',
      source: `${SA_SOURCE}; grafana/grafana pkg/services/authn/clients/api_key.go`,
    },
    async (t) => {
      const { sa, tok } = await workingToken(t, 'sa-disabled');
      expectStatus(await patchAccount(t, sa.id, { isDisabled: true }), 200, '200 from the PATCH');
      const pmm = await eventually(
        () => send(t, { path: VERSION, headers: bearer(tok.key) }),
        (r) => r.status !== 200,
        t.pollSeconds,
      );
      expectAuthLayerError(pmm, 16);
      expectStatus(
        await send(t, { path: '/graph/api/auth/key', headers: bearer(tok.key) }),
        401,
        "401 from Grafana for a disabled account's token",
      );
    },
  );

  kase(
    {
      id: 'srv.sa.012',
      level: 'SHOULD',
      ...PMM3,
      sends: 'GET /graph/api/auth/serviceaccount with Authorization: Bearer <token of a Viewer account>',
      expects: "200 with the caller's account: its id, orgId 1, role Viewer (what PMM 3's auth layer reads)",
      ref: 'grafana-auth §5.3 (Percona); pmm-auth §2.3 (3.x)',
      source:
        'percona/grafana pkg/services/serviceaccounts/api/token.go, api.go; percona/pmm managed/utils/auth/token.go, managed/services/grafana/client.go (3.x)',
    },
    async (t) => {
      const tok = await createToken(t, account().id, 'sa-current');
      const res = await send(t, { path: '/graph/api/auth/serviceaccount', headers: bearer(tok.key) });
      expectStatus(res, 200, '200 with the calling service account');
      expect(res.json()).toMatchObject({ id: account().id, orgId: 1, role: 'Viewer' });
    },
  );

  kase(
    {
      id: 'srv.sa.013',
      level: 'MUST',
      ...PMM3,
      sends: 'POST /graph/api/serviceaccounts as admin with {"name"} only (no role)',
      expects: '201 with role Viewer (the default)',
      ref: 'grafana-auth §5.3',
      source: SA_SOURCE,
    },
    async (t) => {
      const res = await postServiceAccount(t, { name: uniqueName(t, 'sa-norole') });
      expectStatus(res, 201, '201 with the service account');
      expect(res.json()).toMatchObject({ role: 'Viewer', isDisabled: false });
    },
  );
});
