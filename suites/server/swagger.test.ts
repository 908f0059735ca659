/**
 * The Swagger UI and its API document (pmm-auth §1.3; PMM's own TestSwagger, pmm-auth §5.1 item 4,
 * pmm-auth §5.2): nginx's permanent rewrites `/swagger/…` → `/swagger` and `/swagger/swagger.json` →
 * `/swagger.json` (before any auth), and who may read them: anyone on 2.41 and 3.0.0, a viewer
 * once PMM-14021 put /swagger behind auth (pmm-auth §6; the mock's `--pmm-version 3.3.0`).
 */
import { expect, inject } from 'vitest';
import { area, kase } from '../_support/case.ts';
import { expectAuthLayerError, expectStatus } from '../_support/expect-http.ts';
import { adminAuth, send, type HttpResult } from '../_support/http.ts';
import { PROFILES } from '../_support/profile.ts';
import type { Target } from '../_support/target.ts';

const SOURCE =
  'percona/pmm update/ansible/playbook/tasks/roles/nginx/files/conf.d/pmm.conf and build/ansible/roles/nginx/files/conf.d/pmm.conf (Swagger UI), api-tests/server/auth_test.go (TestSwagger)';

/** pmm-auth §1.3, pmm-auth §6: PMM-14021 (June 2025) — from 3.3.0 on (LIKELY) /swagger needs a viewer. */
function swaggerNeedsAuth(t: Pick<Target, 'profile' | 'version'>): boolean {
  const m = /^(\d+)\.(\d+)/.exec(t.version ?? '');
  return t.profile === 'pmm3' && m !== null && (Number(m[1]) > 3 || Number(m[2]) >= 3);
}

/** GET `path` without credentials (200, or 401 code 16 where Swagger needs auth), then as the admin (200): the admin's answer. */
async function readAnonymouslyThenAsAdmin(t: Target, path: string, what: string): Promise<HttpResult> {
  const anonymous = await send(t, { path });
  if (swaggerNeedsAuth(t)) expectAuthLayerError(anonymous, 16);
  else expectStatus(anonymous, 200, '200 without credentials');
  const res = await send(t, { path, headers: adminAuth(t) });
  expectStatus(res, 200, `200 with ${what}`);
  return res;
}

const NO_AUTH = swaggerNeedsAuth(inject('target')) ? '401 code 16 (PMM-14021: auth required)' : '200 (no auth)';

area('swagger: the Swagger UI and swagger.json', () => {
  kase(
    {
      id: 'srv.swagger.001',
      level: 'MUST',
      sends: 'GET /swagger/ and GET /swagger/swagger.json?x=1 without credentials (redirects not followed)',
      expects: '301 to …/swagger and to …/swagger.json?x=1 (nginx rewrites before auth; the query kept)',
      ref: 'pmm-auth §1.3',
      source: SOURCE,
      profiles: PROFILES,
    },
    async (t) => {
      for (const [path, target] of [
        ['/swagger/', '/swagger'],
        ['/swagger/swagger.json?x=1', '/swagger.json?x=1'],
      ] as const) {
        const res = await send(t, { path });
        expectStatus(res, 301, `301 for ${path}`);
        const location = new URL(String(res.headers.location), t.baseUrl);
        expect(location.pathname + location.search, `Location of ${path}: ${res.headers.location}`).toBe(target);
      }
    },
  );

  kase(
    {
      id: 'srv.swagger.002',
      level: 'MUST',
      sends: 'GET /swagger.json without credentials, then as the admin',
      expects: `${NO_AUTH}; as admin 200 with a Swagger 2.0 document (swagger "2.0", paths)`,
      ref: 'pmm-auth §1.3; pmm-auth §5.1; pmm-auth §5.2',
      source: SOURCE,
      profiles: PROFILES,
    },
    async (t) => {
      const res = await readAnonymouslyThenAsAdmin(t, '/swagger.json', 'the API document');
      const doc = res.json<{ swagger?: unknown; paths?: unknown }>();
      expect(doc.swagger).toBe('2.0');
      expect(typeof doc.paths).toBe('object');
    },
  );

  kase(
    {
      id: 'srv.swagger.003',
      level: 'MUST',
      sends: 'GET /swagger without credentials, then as the admin',
      expects: `${NO_AUTH}; as admin 200 text/html (the UI's index.html)`,
      ref: 'pmm-auth §1.3; pmm-auth §5.1',
      source: SOURCE,
      profiles: PROFILES,
    },
    async (t) => {
      const res = await readAnonymouslyThenAsAdmin(t, '/swagger', 'the Swagger UI page');
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    },
  );
});
