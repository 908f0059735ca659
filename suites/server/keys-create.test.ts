/**
 * POST /graph/api/auth/keys (grafana-auth §1.1, grafana-auth §1.2, grafana-auth §1.3, grafana-auth §1.4): body binding and role parsing (400 "bad
 * request data"), negative TTL, duplicate names and their precedence, who may create keys (RBAC
 * 403 for Viewer and Editor keys) and the success body. Grafana 11.0–11.2 (PMM 3.0) still creates
 * legacy keys the same way (grafana-auth §1.3, grafana-auth §5.1: LIKELY identical) except that roles are
 * title-cased (grafana-auth §1.2); from 11.3 on the endpoint answers 410 and these cases are skipped.
 */
import { beforeAll, expect, inject } from 'vitest';
import { area, kase, targetAllows } from '../_support/case.ts';
import { expectGrafanaError, expectStatus, redactSecrets } from '../_support/expect-http.ts';
import { bearer, send, type HttpResult } from '../_support/http.ts';
import { createKey, postKey, uniqueName, type CreatedKey, type Role } from '../_support/keys.ts';
import { facts, PROFILES } from '../_support/profile.ts';
import type { Target } from '../_support/target.ts';

const F = facts(inject('target'));
/** Legacy keys on both profiles, while the target's Grafana still creates them (< 11.3). */
const LEGACY = { profiles: PROFILES, needs: ['write', 'legacy-keys'] as const };

const BAD_REQUEST = { message: 'bad request data', traceID: '' };
const NEGATIVE_TTL = { message: 'negative value for SecondsToLive' };
const DUPLICATE = { message: 'API key, organization ID and name must be unique' };

const BIND =
  'grafana/grafana pkg/api/apikey.go AddAPIKey, pkg/web/binding.go, pkg/models/org_user.go (9.0); percona/grafana pkg/api/apikey.go (9.2 fork)';
const STORE =
  'grafana/grafana pkg/api/apikey.go, pkg/services/sqlstore/apikey.go (9.0); percona/grafana pkg/services/apikey (9.2 fork)';
const RBAC =
  'grafana/grafana pkg/api/api.go, pkg/services/accesscontrol/middleware.go (9.0); percona/grafana (9.2 fork)';
const DTO =
  'grafana/grafana pkg/api/dtos/apikey.go NewApiKeyResult (9.0); percona/grafana pkg/api/dtos/apikey.go (9.2 fork)';

const keys = new Map<Role, CreatedKey>();

function shared(role: Role): CreatedKey {
  const k = keys.get(role);
  if (!k) throw new Error(`the ${role} key of this file was not created (beforeAll)`);
  return k;
}

/** Refused with exactly `{"message":"bad request data","traceID":""}`. */
function expectBadRequest(res: HttpResult): void {
  expectGrafanaError(res, 400, BAD_REQUEST);
}

/** 403 from Grafana's RBAC middleware for apikeys:create (grafana-auth §1.1). */
function expectAccessDenied(res: HttpResult): void {
  expectStatus(res, 403, '403 {"accessErrorId":"ACE…","message":"…apikeys:create","title":"Access denied"}');
  const body = res.json<{ accessErrorId?: unknown; title?: unknown; message?: unknown }>();
  const got = `got ${redactSecrets(res.text)}`;
  expect(body.accessErrorId, got).toMatch(/^ACE\d{10}$/);
  expect(body.title, got).toBe('Access denied');
  expect(body.message, got).toEqual(expect.stringContaining('apikeys:create'));
}

async function roleOf(t: Target, secret: string): Promise<unknown> {
  const res = await send(t, { path: '/graph/api/auth/key', headers: bearer(secret) });
  expectStatus(res, 200, '200 from GET /graph/api/auth/key with the new key');
  return res.json<{ role?: unknown }>().role;
}

area('POST /graph/api/auth/keys', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, LEGACY.needs)) return;
    for (const role of ['Viewer', 'Editor', 'Admin'] as const)
      keys.set(role, await createKey(t, `create-${role.toLowerCase()}`, role));
  });

  const bind = { ref: 'grafana-auth §1.2, grafana-auth §1.3', source: BIND, ...LEGACY };

  kase(
    {
      id: 'srv.keys.001',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with {"role":"Viewer"} (no name)',
      expects: '400 {"message":"bad request data","traceID":""}',
      ...bind,
    },
    async (t) => {
      expectBadRequest(await postKey(t, { role: 'Viewer' }));
    },
  );

  kase(
    {
      id: 'srv.keys.002',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with {"name":"","role":"Viewer"}',
      expects: '400 {"message":"bad request data","traceID":""}',
      ...bind,
    },
    async (t) => {
      expectBadRequest(await postKey(t, { name: '', role: 'Viewer' }));
    },
  );

  kase(
    {
      id: 'srv.keys.003',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with {"name":…} (no role)',
      expects: '400 {"message":"bad request data","traceID":""}',
      ...bind,
    },
    async (t) => {
      expectBadRequest(await postKey(t, { name: uniqueName(t, 'no-role') }));
    },
  );

  kase(
    {
      id: 'srv.keys.004',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with role "Superuser"',
      expects: '400 {"message":"bad request data","traceID":""}',
      ...bind,
    },
    async (t) => {
      expectBadRequest(await postKey(t, { name: uniqueName(t, 'superuser'), role: 'Superuser' }));
    },
  );

  const lowerRole =
    F.lowerCaseRole === 'refused'
      ? '400 {"message":"bad request data","traceID":""} (roles are case-sensitive in 9.x)'
      : "200, and the key's role is Viewer (11.x title-cases roles)";
  kase(
    {
      id: 'srv.keys.005',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with role "viewer" (lower case)',
      expects: lowerRole,
      ...bind,
    },
    async (t) => {
      const res = await postKey(t, { name: uniqueName(t, 'lower-role'), role: 'viewer' });
      if (F.lowerCaseRole === 'refused') return expectBadRequest(res);
      expectStatus(res, 200, lowerRole);
      expect(await roleOf(t, res.json<{ key: string }>().key), 'role of the key created with role "viewer"').toBe(
        'Viewer',
      );
    },
  );

  kase(
    {
      id: 'srv.keys.006',
      level: 'SHOULD',
      sends: 'POST /graph/api/auth/keys as admin with role "" (empty string)',
      expects: "200, and the key's role is Viewer",
      ...bind,
    },
    async (t) => {
      const name = uniqueName(t, 'empty-role');
      const res = await postKey(t, { name, role: '' });
      expectStatus(res, 200, '200 {"id","name","key"}');
      expect(await roleOf(t, res.json<{ key: string }>().key), 'role of the key created with role ""').toBe('Viewer');
    },
  );

  kase(
    {
      id: 'srv.keys.007',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with secondsToLive -1',
      expects: '400 {"message":"negative value for SecondsToLive"}',
      ref: 'grafana-auth §1.3',
      source: STORE,
      ...LEGACY,
    },
    async (t) => {
      expectGrafanaError(
        await postKey(t, { name: uniqueName(t, 'negative-ttl'), role: 'Viewer', secondsToLive: -1 }),
        400,
        NEGATIVE_TTL,
      );
    },
  );

  kase(
    {
      id: 'srv.keys.008',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with the name of an existing key',
      expects: '409 {"message":"API key, organization ID and name must be unique"}',
      ref: 'grafana-auth §1.3',
      source: STORE,
      ...LEGACY,
    },
    async (t) => {
      expectGrafanaError(await postKey(t, { name: shared('Viewer').name, role: 'Viewer' }), 409, DUPLICATE);
    },
  );

  kase(
    {
      id: 'srv.keys.009',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with the name of an existing key and secondsToLive -1',
      expects: '409 {"message":"API key, organization ID and name must be unique"} (the duplicate check comes first)',
      ref: 'grafana-auth §1.3',
      source: STORE,
      ...LEGACY,
    },
    async (t) => {
      expectGrafanaError(
        await postKey(t, { name: shared('Editor').name, role: 'Editor', secondsToLive: -1 }),
        409,
        DUPLICATE,
      );
    },
  );

  kase(
    {
      id: 'srv.keys.010',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin, Content-Type: text/plain, a valid JSON body',
      expects: '400 {"message":"bad request data","traceID":""}',
      ...bind,
    },
    async (t) => {
      const body = JSON.stringify({ name: uniqueName(t, 'text-plain'), role: 'Viewer' });
      expectBadRequest(await postKey(t, body, undefined, 'text/plain'));
    },
  );

  kase(
    {
      id: 'srv.keys.011',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys with Authorization: Bearer <Viewer key>',
      expects: '403 {"accessErrorId":"ACE<10 digits>","message":"…apikeys:create","title":"Access denied"}',
      ref: 'grafana-auth §1.1',
      source: RBAC,
      ...LEGACY,
    },
    async (t) => {
      expectAccessDenied(
        await postKey(t, { name: uniqueName(t, 'by-viewer'), role: 'Viewer' }, bearer(shared('Viewer').key)),
      );
    },
  );

  kase(
    {
      id: 'srv.keys.012',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys with Authorization: Bearer <Editor key>',
      expects: '403 {"accessErrorId":"ACE<10 digits>","message":"…apikeys:create","title":"Access denied"}',
      ref: 'grafana-auth §1.1',
      source: RBAC,
      ...LEGACY,
    },
    async (t) => {
      expectAccessDenied(
        await postKey(t, { name: uniqueName(t, 'by-editor'), role: 'Viewer' }, bearer(shared('Editor').key)),
      );
    },
  );

  kase(
    {
      id: 'srv.keys.013',
      level: 'MUST',
      sends: 'POST /graph/api/auth/keys as admin with {"name","role":"Viewer"}',
      expects: `200 {"id","name","key"} (exactly these fields, in this order), and the key authenticates on ${F.versionPath}`,
      ref: 'grafana-auth §1.4, grafana-auth §2.1; pmm-auth §2.3',
      source: DTO,
      ...LEGACY,
    },
    async (t) => {
      const name = uniqueName(t, 'success');
      const res = await postKey(t, { name, role: 'Viewer' });
      expectStatus(res, 200, '200 {"id","name","key"}');
      const body = res.json<Record<string, unknown>>();
      expect(Object.keys(body), `fields of the success body; got ${redactSecrets(res.text)}`).toEqual([
        'id',
        'name',
        'key',
      ]);
      expect(Number.isInteger(body.id), `id is an integer; got ${redactSecrets(res.text)}`).toBe(true);
      expect(body.name).toBe(name);
      expect(
        typeof body.key === 'string' && body.key !== '',
        `key is a non-empty string; got ${redactSecrets(res.text)}`,
      ).toBe(true);
      const use = await send(t, { path: F.versionPath, headers: bearer(body.key as string) });
      expectStatus(use, 200, `200 from GET ${F.versionPath} with the new key`);
    },
  );

  kase(
    {
      id: 'srv.keys.014',
      level: 'SHOULD',
      sends: 'POST /graph/api/auth/keys with Authorization: Bearer <Admin key>',
      expects: '200 {"id","name","key"} (an Admin key may manage keys)',
      ref: 'grafana-auth §1.1',
      source: RBAC,
      ...LEGACY,
    },
    async (t) => {
      const name = uniqueName(t, 'by-admin-key');
      const res = await postKey(t, { name, role: 'Viewer' }, bearer(shared('Admin').key));
      expectStatus(res, 200, '200 {"id","name","key"}');
      expect(res.json<{ name?: unknown }>().name).toBe(name);
    },
  );
});
