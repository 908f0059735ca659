/**
 * Legacy API keys on PMM 3 (grafana-auth §5.1, grafana-auth §5.2; pmm-auth §2.3, pmm-auth §4.2): a key created with
 * POST /graph/api/auth/keys (Grafana < 11.3) keeps authenticating after PMM migrates it into a
 * service account on first use; what the migration leaves behind (SHOULD: the on-the-fly
 * migration in 11.x is UNVERIFIED, its naming VERIFIED); the migration endpoints for this run's
 * keys only — never POST /migrate, which would migrate every key of the org; and from Grafana
 * 11.3 on, POST /graph/api/auth/keys → 410.
 */
import { expect } from 'vitest';
import { area, kase } from '../_support/case.ts';
import { eventually, expectGrafanaMessage, expectStatus, redactSecrets } from '../_support/expect-http.ts';
import { adminAuth, apiKeyBasic, bearer, send, type HttpResult } from '../_support/http.ts';
import { createKey, postKey, uniqueName, type CreatedKey } from '../_support/keys.ts';
import { listTokens } from '../_support/sa-tokens.ts';
import { adoptAccount, SA_API, searchAccounts } from '../_support/service-accounts.ts';
import type { Target } from '../_support/target.ts';

const PMM3 = {
  profiles: ['pmm3'] as const,
  notOn:
    "PMM 2.41's auth layer checks keys with /api/auth/key and migrates nothing (pmm-auth §2.3); Grafana 9.2 still creates keys (grafana-auth §5.1)",
};
const MIGRATE_SOURCE =
  'percona/grafana pkg/services/serviceaccounts/api/api.go, token.go (9.2 fork), database/store.go (11.x, @PERCONA); percona/pmm managed/utils/auth/token.go (3.x); documentation/docs/pmm-upgrade/migrating_from_pmm_2.md';
const GONE_MESSAGE =
  'this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead';
const VERSION = '/v1/server/version';

const version = (t: Target, headers: Record<string, string>): Promise<HttpResult> =>
  send(t, { path: VERSION, headers });

async function listedKeys(t: Target): Promise<{ id: number; name: string }[]> {
  const res = await send(t, { path: '/graph/api/auth/keys?includeExpired=true', headers: adminAuth(t) });
  expectStatus(res, 200, '200 from GET /graph/api/auth/keys?includeExpired=true');
  return res.json<{ id: number; name: string }[]>();
}

/** The account `sa-autogen-<key name>` PMM made from `key` (grafana-auth §5.2), recorded for clean-up. */
async function autogenAccount(
  t: Target,
  key: CreatedKey,
): Promise<(Record<string, unknown> & { id: number }) | undefined> {
  const name = `sa-autogen-${key.name}`;
  const res = await searchAccounts(t, { query: name });
  expectStatus(res, 200, '200 from the service-account search');
  const found = res
    .json<{ serviceAccounts?: (Record<string, unknown> & { id: number; name: string })[] }>()
    .serviceAccounts?.find((s) => s.name === name);
  if (found) adoptAccount(t, found.id, found.name);
  return found;
}

area('legacy keys on PMM 3: migration and removal', () => {
  kase(
    {
      id: 'srv.migrate.001',
      level: 'MUST',
      ...PMM3,
      needs: ['write', 'legacy-keys'],
      sends: `POST /graph/api/auth/keys as admin (a Viewer key), then GET ${VERSION} with Bearer <key> twice and with Basic api_key:<key>`,
      expects:
        '200 each time: the key string keeps working after PMM migrates it into a service account on its first use',
      ref: 'pmm-auth §4.2, pmm-auth §2.3 (3.x); grafana-auth §5.1, grafana-auth §5.2',
      source: MIGRATE_SOURCE,
    },
    async (t) => {
      const key = await createKey(t, 'migrate-use', 'Viewer');
      for (const [what, headers] of [
        ['first use', bearer(key.key)],
        ['second use', bearer(key.key)],
        ['Basic api_key:', apiKeyBasic(key.key)],
      ] as const) {
        const res = await version(t, headers);
        expectStatus(res, 200, `200 with the version JSON (${what})`);
        expect(res.json<{ version: string }>().version).toMatch(/^3\./);
      }
    },
  );

  kase(
    {
      id: 'srv.migrate.002',
      level: 'SHOULD',
      ...PMM3,
      needs: ['write', 'legacy-keys'],
      sends: `a Viewer key used once on ${VERSION}, then GET /graph/api/auth/keys?includeExpired=true and the service-account search for sa-autogen-<key name>`,
      expects:
        'the key is no longer listed as a key; an account "sa-autogen-<key name>" with role Viewer holds it as its token (same name)',
      ref: 'grafana-auth §5.2, grafana-auth §1.5 (service_account_id IS NULL), grafana-auth §5.3 (Percona /api/auth/serviceaccount); pmm-auth §2.3',
      source: MIGRATE_SOURCE,
    },
    async (t) => {
      const key = await createKey(t, 'migrate-hidden', 'Viewer');
      expectStatus(await version(t, bearer(key.key)), 200, '200 on first use');
      const keys = await eventually(
        () => listedKeys(t),
        (l) => !l.some((k) => k.id === key.id),
        t.pollSeconds,
      );
      expect(
        keys.some((k) => k.id === key.id),
        `key ${key.name} still listed by GET /graph/api/auth/keys after its first use`,
      ).toBe(false);
      const sa = await autogenAccount(t, key);
      expect(sa, `an account named sa-autogen-${key.name}`).toBeDefined();
      expect(sa).toMatchObject({ role: 'Viewer' });
      const tokens = await listTokens(t, sa!.id);
      expectStatus(tokens, 200, "200 with the account's tokens");
      expect(
        tokens.json<{ name: string }[]>().map((k) => k.name),
        "the migrated key is the account's token",
      ).toContain(key.name);
    },
  );

  kase(
    {
      id: 'srv.migrate.003',
      level: 'SHOULD',
      ...PMM3,
      sends: 'GET /graph/api/serviceaccounts/migrationstatus as admin',
      expects: '200 {"migrated":<boolean>}',
      ref: 'grafana-auth §5.2 (route set in 11.1 UNVERIFIED)',
      source: MIGRATE_SOURCE,
    },
    async (t) => {
      const res = await send(t, { path: `${SA_API}/migrationstatus`, headers: adminAuth(t) });
      expectStatus(res, 200, '200 {"migrated":…}');
      expect(typeof res.json<{ migrated?: unknown }>().migrated, `"migrated" is a boolean; got ${res.text}`).toBe(
        'boolean',
      );
    },
  );

  kase(
    {
      id: 'srv.migrate.004',
      level: 'SHOULD',
      ...PMM3,
      needs: ['write', 'legacy-keys'],
      sends: `POST /graph/api/serviceaccounts/migrate/<id of an unused key of this run> as admin, then GET ${VERSION} with the key`,
      expects:
        '200; the key is no longer listed as a key, an account sa-autogen-<key name> exists, and the key still authenticates (200)',
      ref: 'grafana-auth §5.2, grafana-auth §1.5; pmm-auth §4.2',
      source: MIGRATE_SOURCE,
    },
    async (t) => {
      const key = await createKey(t, 'migrate-one', 'Editor');
      const res = await send(t, { method: 'POST', path: `${SA_API}/migrate/${key.id}`, headers: adminAuth(t) });
      expectStatus(res, 200, '200 from POST /migrate/:keyId');
      expect(
        (await listedKeys(t)).some((k) => k.id === key.id),
        `key ${key.name} still listed after its migration`,
      ).toBe(false);
      expect(await autogenAccount(t, key), `an account named sa-autogen-${key.name}`).toMatchObject({ role: 'Editor' });
      expectStatus(await version(t, bearer(key.key)), 200, '200 with the migrated key');
    },
  );

  kase(
    {
      id: 'srv.migrate.005',
      level: 'SHOULD',
      ...PMM3,
      sends: 'POST /graph/api/serviceaccounts/migrate/abc as admin',
      expects: '400 {"message":"Key ID is invalid",…}',
      ref: 'grafana-auth §5.2',
      source: MIGRATE_SOURCE,
    },
    async (t) => {
      expectGrafanaMessage(
        await send(t, { method: 'POST', path: `${SA_API}/migrate/abc`, headers: adminAuth(t) }),
        400,
        'Key ID is invalid',
      );
    },
  );

  kase(
    {
      id: 'srv.legacy.001',
      level: 'MUST',
      ...PMM3,
      needs: ['write', 'grafana-11.3'],
      sends: 'POST /graph/api/auth/keys as admin with {"name","role":"Viewer"} (Grafana ≥ 11.3)',
      expects: `410 {"message":"${GONE_MESSAGE}",…}; no key is created`,
      ref: 'grafana-auth §5.1',
      source: 'grafana/grafana docs/sources/developers/http_api/auth.md ("made obsolete in Grafana 11.3.0"), PR #92144',
    },
    async (t) => {
      // A wrong target that still creates the key gets it logged and deleted by postKey's ledger.
      const res = await postKey(t, { name: uniqueName(t, 'legacy-gone'), role: 'Viewer' });
      expectGrafanaMessage(res, 410, GONE_MESSAGE);
    },
  );

  kase(
    {
      id: 'srv.legacy.002',
      level: 'MUST',
      ...PMM3,
      needs: ['grafana-11.3'],
      sends: 'GET /graph/api/auth/keys as admin (Grafana ≥ 11.3)',
      expects: '200 with a JSON array (GET and DELETE remain, deprecated)',
      ref: 'grafana-auth §5.1',
      source: 'grafana/grafana docs/sources/developers/http_api/auth.md (11.3)',
    },
    async (t) => {
      const res = await send(t, { path: '/graph/api/auth/keys', headers: adminAuth(t) });
      expectStatus(res, 200, '200 with a JSON array');
      expect(Array.isArray(res.json()), `a JSON array; got ${redactSecrets(res.text.slice(0, 200))}`).toBe(true);
    },
  );

  kase(
    {
      id: 'srv.legacy.003',
      level: 'OBSERVED',
      ...PMM3,
      sends: 'GET /graph/api/health without credentials',
      expects: 'version 11.x (PMM 3.0.0 ships Grafana 11.1.8; later 3.x releases may ship a newer 11.x)',
      ref: 'grafana-auth §0, grafana-auth §6.3; pmm-auth §0',
      source: 'percona/pmm documentation/docs/release-notes/3.0.0.md; build/packages/rpm/server/SPECS/grafana.spec',
    },
    async (t, ctx) => {
      const res = await send(t, { path: '/graph/api/health' });
      expectStatus(res, 200, '200 with the health JSON');
      const v = res.json<{ version?: unknown }>().version;
      await ctx.annotate(`Grafana ${String(v)}`);
      expect(String(v)).toMatch(/^11\./);
    },
  );
});
