/**
 * Basic authentication with a Grafana user (grafana-auth §6; pmm-auth §2.3, pmm-auth §5.1 AuthErrors): the
 * admin of PMM_SERVER_URL, an unknown user, and the run's ONE wrong-password attempt against the
 * admin user (Grafana locks users after a few; never add another one anywhere in the suite).
 */
import { expect, inject } from 'vitest';
import { area, kase } from '../_support/case.ts';
import { expectAuthLayerError, expectStatus } from '../_support/expect-http.ts';
import { adminAuth, basicAuth, send } from '../_support/http.ts';
import { facts, PROFILES } from '../_support/profile.ts';

const AUTH_SOURCE =
  'percona/pmm api-tests/server/auth_test.go (TestAuth/AuthErrors, 2.41 and 3.x); managed/services/grafana/client.go';
const F = facts(inject('target'));
const BOTH = { profiles: PROFILES };

area('basic: Grafana users by Basic auth', () => {
  kase(
    {
      id: 'srv.basic.001',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Basic <admin of PMM_SERVER_URL>`,
      expects: '200 with the version JSON',
      ref: 'pmm-auth §2.3, pmm-auth §3.1; grafana-auth §6.1',
      source: 'percona/pmm api-tests/server/version_test.go; managed/services/grafana/client.go',
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: F.versionPath, headers: adminAuth(t) });
      expectStatus(res, 200, '200 with the version JSON');
      expect(res.json<{ version: string }>().version).toMatch(F.versionMajor);
    },
  );

  kase(
    {
      id: 'srv.basic.002',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Basic pmmconf-nouser:wrong (unknown user)`,
      expects: '401 code 16, no <html> in the body',
      ref: 'pmm-auth §1.4, pmm-auth §2.3, pmm-auth §5.1, pmm-auth §5.2 AuthErrors; grafana-auth §6.1',
      source: AUTH_SOURCE,
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: F.versionPath, headers: basicAuth('pmmconf-nouser', 'wrong') });
      // pmm-auth §2.3: Grafana 9.2's wording is not asserted on a real PMM; status and code are.
      expectAuthLayerError(res, 16);
      expect(res.text).not.toContain('<html>');
    },
  );

  kase(
    {
      id: 'srv.basic.003',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Basic <admin login>:<a wrong password> (the run\'s only wrong-password attempt)`,
      expects: '401 code 16, no <html> in the body',
      ref: 'pmm-auth §1.4, pmm-auth §2.3; grafana-auth §6.1',
      source: AUTH_SOURCE,
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, {
        path: F.versionPath,
        headers: basicAuth(t.admin.login, `${t.admin.password}-pmmconf-wrong`),
      });
      expectAuthLayerError(res, 16);
      expect(res.text).not.toContain('<html>');
    },
  );

  kase(
    {
      id: 'srv.basic.004',
      level: 'MUST',
      sends: 'GET /graph/api/user with Basic <admin of PMM_SERVER_URL>',
      expects: '200 with login = the admin login and isGrafanaAdmin true',
      ref: 'grafana-auth §6.2, grafana-auth §6.1; pmm-auth §2.3',
      source: 'grafana/grafana pkg/api/user.go (9.x, GetSignedInUser; UserProfileDTO; 11.x keeps both fields)',
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: '/graph/api/user', headers: adminAuth(t) });
      expectStatus(res, 200, '200 with the signed-in user');
      const user = res.json<{ login?: unknown; isGrafanaAdmin?: unknown }>();
      expect(user.login).toBe(t.admin.login);
      expect(user.isGrafanaAdmin).toBe(true);
    },
  );
});
