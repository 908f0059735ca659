/**
 * The two requests of PMM's API-key page (shared/seeds/pmm-api-keys.txt): `Authorization: Bearer
 * <key>` and `https://api_key:KEY@host/v1/version`, with keys of each role; and the refusals.
 * On PMM 3 the same requests go to /v1/server/version with service-account tokens, as PMM 3's
 * docs show them (pmm-auth §3.4: `Bearer glsa_…`, legacy `api_key:` still accepted).
 */
import { beforeAll, expect, inject } from 'vitest';
import { area, kase, targetAllows } from '../_support/case.ts';
import { createCredential, type Credential } from '../_support/credentials.ts';
import { expectAuthLayerError, expectStatus } from '../_support/expect-http.ts';
import { apiKeyBasic, bearer, send } from '../_support/http.ts';
import type { Role } from '../_support/keys.ts';
import { facts, PROFILES } from '../_support/profile.ts';

const ROLES: readonly Role[] = ['Viewer', 'Editor', 'Admin'];
const creds = new Map<Role, Credential>();
const F = facts(inject('target'));
const BOTH = { profiles: PROFILES };

area('the seed: PMM docs "API Keys and authentication"', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, ['write'])) return;
    for (const role of ROLES) creds.set(role, await createCredential(t, `seed-${role.toLowerCase()}`, role));
  });

  const version = {
    ref: 'pmm-auth §3.1, pmm-auth §3.4',
    source:
      'percona/pmm-doc docs/details/api.md (v2.41.0), percona/pmm docs/api/welcome/authentication.md (3.x); percona/pmm api-tests/server/version_test.go',
    ...BOTH,
  };
  /** The case ids by role, [Bearer, https://api_key:…@host]: written out, never counted. */
  const IDS: Readonly<Record<Role, readonly [string, string]>> = {
    Viewer: ['srv.seed.001', 'srv.seed.004'],
    Editor: ['srv.seed.002', 'srv.seed.005'],
    Admin: ['srv.seed.003', 'srv.seed.006'],
  };
  for (const role of ROLES) {
    kase(
      {
        id: IDS[role][0],
        level: 'MUST',
        sends: `GET ${F.versionPath} with Authorization: Bearer <${role} ${F.credential}>`,
        expects: '200 with the version JSON',
        needs: ['write'],
        ...version,
      },
      async (t) => {
        const res = await send(t, { path: F.versionPath, headers: bearer(creds.get(role)!.key) });
        expectStatus(res, 200, '200 with the version JSON');
        const body = res.json<{ version: string; managed: { full_version: string } }>();
        expect(body.version).toMatch(F.versionMajor);
        expect(body.managed.full_version).not.toBe('');
      },
    );
    kase(
      {
        id: IDS[role][1],
        level: 'MUST',
        sends: `GET https://api_key:<${role} ${F.credential}>@host${F.versionPath}`,
        expects: '200 with the version JSON',
        needs: ['write'],
        ...version,
      },
      async (t) => {
        const res = await send(t, { path: F.versionPath, headers: apiKeyBasic(creds.get(role)!.key) });
        expectStatus(res, 200, '200 with the version JSON');
        expect(res.json<{ version: string }>().version).toMatch(F.versionMajor);
      },
    );
  }

  kase(
    {
      id: 'srv.seed.007',
      level: 'MUST',
      sends: `GET ${F.versionPath} without credentials`,
      expects: '401 {"code":16,"error":"Unauthorized","message":"Unauthorized"}',
      ref: 'pmm-auth §1.4, pmm-auth §2.3, pmm-auth §5.1 AuthErrors, pmm-auth §5.2 AuthErrors',
      source: 'percona/pmm api-tests/server/auth_test.go; managed/services/grafana/auth_server.go',
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: F.versionPath });
      expectAuthLayerError(res, 16, 'Unauthorized');
      expect(res.text).not.toContain('<html>');
    },
  );

  kase(
    {
      id: 'srv.seed.008',
      level: 'MUST',
      sends: `GET ${F.versionPath} with Authorization: Bearer <a wrong key>`,
      expects: '401 code 16',
      ref: 'pmm-auth §1.4, pmm-auth §2.3; grafana-auth §3.2, grafana-auth §3.5',
      source:
        'percona/pmm managed/services/grafana/auth_server.go; percona/grafana pkg/services/contexthandler/contexthandler.go',
      ...BOTH,
    },
    async (t) => {
      const wrong = Buffer.from(JSON.stringify({ k: 'A'.repeat(32), n: 'pmmconf-no-such-key', id: 1 })).toString(
        'base64',
      );
      const res = await send(t, { path: F.versionPath, headers: bearer(wrong) });
      // pmm-auth §2.3: Grafana's wording is not asserted on a real PMM; status and code are.
      expectAuthLayerError(res, 16);
    },
  );
});
