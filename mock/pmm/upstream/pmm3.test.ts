/**
 * PMM 3's own auth api-tests (A-3L, and A-3t where 3.0.0 differs) request by request against
 * `--profile pmm3`, 3.0.0 and `--pmm-version 3.3.0`; see pmm2.test.ts for the versions read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPmmVersion } from '../../profiles/index.ts';
import { pmm3 } from '../../profiles/pmm3.ts';
import type { Profile } from '../../profiles/types.ts';
import { ADMIN_AUTH, basic, startInProcessMock, type InProcessTestMock } from '../../testing/harness.ts';
import {
  authErrorTests,
  createUser,
  deleteUser,
  follow,
  go,
  JSON_UTF8,
  readyzTests,
  ts,
  versionTests,
} from './go-client.ts';

/** A-3L's run against one pmm3 mock; `swaggerNoAuth` is what TestSwagger without credentials gets there. */
function pmm3Suite(title: string, profile: Profile, swaggerNoAuth: { status: number; source: string }): void {
  describe(title, () => {
    let t: InProcessTestMock;
    beforeAll(async () => {
      t = await startInProcessMock({ profile });
    });
    afterAll(() => t.close());
    const get = () => t;

    authErrorTests(get, '/v1/server/version', 'auth_test.go l.47-94');
    readyzTests(get, ['/ping', '/v1/server/readyz'], 'readyz_test.go l.37-38');
    versionTests(get, ['/v1/server/version'], '3.', 'version_test.go l.37');

    it.each(['/swagger', '/swagger/', '/swagger.json', '/swagger/swagger.json'])(
      `TestSwagger: GET %s without credentials (redirects followed) → ${swaggerNoAuth.status} (${swaggerNoAuth.source}); with admin, credentials kept on redirects → 200 (A-3L l.133-154)`,
      async (path) => {
        expect((await follow(t, path, undefined, false)).status).toBe(swaggerNoAuth.status);
        expect((await follow(t, path, ADMIN_AUTH, true)).status).toBe(200);
      },
    );

    it('A-3t TestSetup/API (l.138, l.167-188): GET /v1/server/AWSInstance → 400; ?instance_id=123 → 200, body exactly {}', async () => {
      expect((await go(t, 'GET', '/v1/server/AWSInstance')).status).toBe(400);
      const res = await go(t, 'GET', '/v1/server/AWSInstance?instance_id=123');
      expect([res.status, res.text]).toEqual([200, '{}']);
    });

    it('TestBasicAuthPermissions (l.173-240): users default/viewer/editor/admin, Basic login:login', async () => {
      const made = {
        default: await createUser(t, `none-${ts}`),
        viewer: await createUser(t, `viewer-${ts}`, 'Viewer'),
        editor: await createUser(t, `editor-${ts}`, 'Editor'),
        admin: await createUser(t, `admin-${ts}`, 'Admin'),
      };
      const logins = { default: `none-${ts}`, viewer: `viewer-${ts}`, editor: `editor-${ts}`, admin: `admin-${ts}` };
      const seen: string[] = [];
      const want: string[] = [];
      for (const [method, path, admin] of [
        ['GET', '/v1/server/settings', 200], // l.204
        ['POST', '/v1/platform:connect', 400], // l.210
      ] as const) {
        for (const who of Object.keys(made) as (keyof typeof made)[]) {
          const res = await go(t, method, path, { auth: basic(logins[who], logins[who]) });
          seen.push(`${who} ${method} ${path} → ${res.status}`);
          want.push(`${who} ${method} ${path} → ${who === 'admin' ? admin : 401}`);
        }
      }
      expect(seen).toEqual(want);
      for (const id of Object.values(made)) await deleteUser(t, id);
    });

    it('TestServiceAccountPermissions (l.315-407): accounts with 256-character random names, tokens as Bearer and service_token:', async () => {
      const node = 'N'.repeat(100) + 'x_-'.repeat(52); // stringsgen: 256 URL-safe characters
      expect(node).toHaveLength(256);
      const tokens: Record<string, { sa: number; id: number; key: string }> = {};
      for (const role of ['Viewer', 'Editor', 'Admin']) {
        const suffix = `${node}-${role.toLowerCase()}`;
        // createServiceAccountWithRole (l.409-451): POST → require 201, read id; PATCH {"orgId":"1"} (status not checked).
        const sa = await go(t, 'POST', '/graph/api/serviceaccounts', {
          auth: ADMIN_AUTH,
          headers: JSON_UTF8,
          body: JSON.stringify({ name: `pmm-agent-service-account-${suffix}`, role }),
        });
        expect(sa.status, sa.text).toBe(201);
        await go(t, 'PATCH', `/graph/api/serviceaccounts/${sa.body.id}`, {
          auth: ADMIN_AUTH,
          headers: JSON_UTF8,
          body: JSON.stringify({ orgId: '1' }),
        });
        // createServiceToken: POST …/tokens → require 200, read id and key.
        const tok = await go(t, 'POST', `/graph/api/serviceaccounts/${sa.body.id}/tokens`, {
          auth: ADMIN_AUTH,
          headers: JSON_UTF8,
          body: JSON.stringify({ name: `pmm-agent-service-token-${suffix}` }),
        });
        expect(tok.status, tok.text).toBe(200);
        tokens[role.toLowerCase()] = {
          sa: sa.body.id as number,
          id: tok.body.id as number,
          key: tok.body.key as string,
        };
      }
      const seen: string[] = [];
      const want: string[] = [];
      for (const [method, path, admin] of [
        ['GET', '/v1/server/settings', 200], // l.353
        ['POST', '/v1/platform:connect', 400], // l.359
      ] as const) {
        for (const who of ['default', 'viewer', 'editor', 'admin']) {
          const key = tokens[who]?.key ?? ''; // "default" = an empty token
          for (const [way, auth] of [
            ['Service Token auth', `Bearer ${key}`], // l.370-387
            ['Basic auth with Service Token', basic('service_token', key)], // l.389-403
          ]) {
            const res = await go(t, method, path, { auth: auth! });
            seen.push(`${way} ${who} ${method} ${path} → ${res.status}`);
            want.push(`${way} ${who} ${method} ${path} → ${who === 'admin' ? admin : 401}`);
          }
        }
      }
      expect(seen).toEqual(want);
      // Deferred: token first, then its account; each require 200.
      for (const { sa, id } of Object.values(tokens)) {
        expect(
          (await go(t, 'DELETE', `/graph/api/serviceaccounts/${sa}/tokens/${id}`, { auth: ADMIN_AUTH })).status,
        ).toBe(200);
        expect((await go(t, 'DELETE', `/graph/api/serviceaccounts/${sa}`, { auth: ADMIN_AUTH })).status).toBe(200);
      }
    });
  });
}

pmm3Suite('PMM 3 api-tests (A-3L) against --profile pmm3 (3.0.0)', pmm3, {
  status: 200,
  source: 'A-3t l.221: 3.0.0 serves /swagger without auth',
});
pmm3Suite('PMM 3 api-tests (A-3L) against --profile pmm3 --pmm-version 3.3.0', withPmmVersion(pmm3, '3.3.0')!, {
  status: 401,
  source: 'A-3L l.126, PMM-14021',
});
