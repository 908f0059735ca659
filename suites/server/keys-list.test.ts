/**
 * GET /graph/api/auth/keys (grafana-auth §1.5): item fields and their order, `expiration` only
 * with a TTL, sorted by name, the secret never listed, `includeExpired`; DELETE
 * /graph/api/auth/keys/:id (grafana-auth §1.6) and that a deleted key stops working (pmm-auth §2.4: PMM caches
 * successful auth 3–6 s, hence polling). Only keys of this run are looked at or deleted: a real
 * PMM may hold other keys, and the list is capped at 100 names. Grafana 11.x (PMM 3) lists and
 * deletes legacy keys the same way (grafana-auth §1.5, grafana-auth §1.6: LIKELY; `lastUsedAt` only once used).
 */
import { beforeAll, expect, inject } from 'vitest';
import { area, kase, targetAllows } from '../_support/case.ts';
import {
  eventually,
  expectAuthLayerError,
  expectGrafanaError,
  expectStatus,
  redactSecrets,
} from '../_support/expect-http.ts';
import { adminAuth, bearer, send, type HttpResult } from '../_support/http.ts';
import { createKey, deleteKey, postKey, uniqueName, type CreatedKey } from '../_support/keys.ts';
import { PROFILES } from '../_support/profile.ts';
import type { Target } from '../_support/target.ts';

/** Legacy keys on both profiles, while the target's Grafana still creates them (< 11.3). */
const LEGACY = { profiles: PROFILES, needs: ['write', 'legacy-keys'] as const };

type Item = Record<string, unknown> & { id: number; name: string };

const LIST =
  'grafana/grafana pkg/api/apikey.go GetAPIKeys, pkg/services/sqlstore/apikey.go, pkg/api/dtos/apikey.go (9.0); percona/grafana (9.2 fork)';
const DELETE =
  'grafana/grafana pkg/api/apikey.go DeleteAPIKey, pkg/services/sqlstore/apikey.go (9.0); percona/grafana (9.2 fork)';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let plain: CreatedKey | undefined;
let withTtl: { key: CreatedKey; serverNow: number } | undefined;

async function list(t: Target, query = ''): Promise<{ res: HttpResult; items: Item[] }> {
  const res = await send(t, { path: `/graph/api/auth/keys${query}`, headers: adminAuth(t) });
  expectStatus(res, 200, `200 with a JSON array from GET /graph/api/auth/keys${query}`);
  const items = res.json<Item[]>();
  expect(Array.isArray(items), `a JSON array; got ${redactSecrets(res.text.slice(0, 300))}`).toBe(true);
  return { res, items };
}

/** The item named `name`; fails plainly when it is missing (mentioning the 100-name cap). */
function itemNamed(items: Item[], name: string, query = ''): Item {
  const item = items.find((i) => i.name === name);
  const capped = items.length >= 100 ? " (the list holds 100 items, its cap: this run's keys may sort after them)" : '';
  expect(
    item,
    `expected key ${name} in GET /graph/api/auth/keys${query}${capped}; got ${items.length} items`,
  ).toBeDefined();
  return item!;
}

/** The server's clock from the Date header (whole seconds), else ours. */
function serverNow(res: HttpResult): number {
  const d = res.headers.date ? Date.parse(res.headers.date) : NaN;
  return Number.isNaN(d) ? Date.now() : d;
}

area('GET and DELETE /graph/api/auth/keys', () => {
  beforeAll(async () => {
    const t = inject('target');
    if (!targetAllows(t, LEGACY.needs)) return;
    plain = await createKey(t, 'list-plain', 'Viewer');
    const name = uniqueName(t, 'list-ttl3600');
    const res = await postKey(t, { name, role: 'Editor', secondsToLive: 3600 });
    if (res.status !== 200)
      throw new Error(`creating ${name} with secondsToLive 3600: ${res.status} ${redactSecrets(res.text)}`);
    const k = res.json<{ id: number; key: string }>();
    withTtl = { key: { id: k.id, name, key: k.key, role: 'Editor' }, serverNow: serverNow(res) };
  });

  kase(
    {
      id: 'srv.list.001',
      level: 'MUST',
      sends: 'GET /graph/api/auth/keys as admin, after creating a key without TTL and one with secondsToLive 3600',
      expects:
        '200; items {"id","name","role"} without TTL and {"id","name","role","expiration"} (RFC 3339, about now + 1 h) with it, in this order',
      ref: 'grafana-auth §1.5, grafana-auth §4',
      source: LIST,
      ...LEGACY,
    },
    async (t) => {
      const { items } = await list(t);
      const a = itemNamed(items, plain!.name);
      expect(Object.keys(a), `fields of a key without TTL: ${redactSecrets(JSON.stringify(a))}`).toEqual([
        'id',
        'name',
        'role',
      ]);
      expect(a).toEqual({ id: plain!.id, name: plain!.name, role: 'Viewer' });
      const b = itemNamed(items, withTtl!.key.name);
      expect(Object.keys(b), `fields of a key with a TTL: ${redactSecrets(JSON.stringify(b))}`).toEqual([
        'id',
        'name',
        'role',
        'expiration',
      ]);
      expect(b).toMatchObject({ id: withTtl!.key.id, name: withTtl!.key.name, role: 'Editor' });
      expect(b.expiration, `expiration is RFC 3339: ${redactSecrets(JSON.stringify(b))}`).toMatch(RFC3339);
      const lead = (Date.parse(b.expiration as string) - withTtl!.serverNow) / 1000;
      expect(
        Math.abs(lead - 3600),
        `expiration ${String(b.expiration)} is about 3600 s after creation; it is ${lead} s`,
      ).toBeLessThanOrEqual(5);
    },
  );

  kase(
    {
      id: 'srv.list.002',
      level: 'MUST',
      sends: 'GET /graph/api/auth/keys as admin, after creating keys <base>-b, <base>-a, <base>-c in this order',
      expects: '200; the three keys are listed in the order -a, -b, -c (sorted by name)',
      ref: 'grafana-auth §1.5',
      source: LIST,
      ...LEGACY,
    },
    async (t) => {
      const base = uniqueName(t, 'sort');
      const names = ['b', 'a', 'c'].map((s) => `${base}-${s}`);
      for (const name of names) {
        const res = await postKey(t, { name, role: 'Viewer' });
        expectStatus(res, 200, `200 creating ${name}`);
      }
      const { items } = await list(t);
      for (const name of names) itemNamed(items, name);
      const order = items.filter((i) => names.includes(i.name)).map((i) => i.name);
      expect(order, "relative order of this run's three keys in the list").toEqual([...names].sort());
    },
  );

  kase(
    {
      id: 'srv.list.003',
      level: 'MUST',
      sends: 'GET /graph/api/auth/keys and ?includeExpired=true as admin, after creating keys',
      expects: '200; no item has a "key" field and neither the secrets nor their random part appear in the response',
      ref: 'grafana-auth §1.4, grafana-auth §1.5, grafana-auth §2.1',
      source: LIST,
      ...LEGACY,
    },
    async (t) => {
      const secrets = [plain!.key, withTtl!.key.key];
      for (const s of [...secrets]) {
        try {
          const k = (JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as { k?: unknown }).k;
          if (typeof k === 'string' && k.length >= 16) secrets.push(k);
        } catch {
          // not the legacy format: the secret itself is checked
        }
      }
      for (const query of ['', '?includeExpired=true']) {
        const { res, items } = await list(t, query);
        itemNamed(items, plain!.name, query);
        for (const item of items)
          expect(Object.keys(item), `item ${item.name} of GET /graph/api/auth/keys${query}`).not.toContain('key');
        for (const s of secrets)
          expect(res.text.includes(s), `GET /graph/api/auth/keys${query} contains a secret`).toBe(false);
      }
    },
  );

  kase(
    {
      id: 'srv.list.004',
      level: 'SHOULD',
      sends:
        'GET /graph/api/auth/keys with and without ?includeExpired=true, after a key with secondsToLive 1 expired (real time, polled up to 10 s)',
      expects: 'the key is missing from the default list and present, with its expiration, with includeExpired=true',
      ref: 'grafana-auth §1.5, grafana-auth §4',
      source: LIST,
      ...LEGACY,
    },
    async (t) => {
      const k = await createKey(t, 'list-ttl1', 'Viewer', 1);
      const last = await eventually(
        () => list(t),
        ({ items }) => !items.some((i) => i.name === k.name),
        t.pollSeconds,
      );
      expect(
        last.items.some((i) => i.name === k.name),
        `key ${k.name} (secondsToLive 1) still in the default list after ${t.pollSeconds} s`,
      ).toBe(false);
      const { items } = await list(t, '?includeExpired=true');
      const item = itemNamed(items, k.name, '?includeExpired=true');
      expect(item).toMatchObject({ id: k.id, name: k.name, role: 'Viewer' });
      expect(item.expiration, `expired key lists its expiration: ${redactSecrets(JSON.stringify(item))}`).toMatch(
        RFC3339,
      );
    },
  );

  kase(
    {
      id: 'srv.delete.001',
      level: 'MUST',
      sends: 'DELETE /graph/api/auth/keys/<id of a key of this run> as admin',
      expects: '200 {"message":"API key deleted"}',
      ref: 'grafana-auth §1.6',
      source: DELETE,
      ...LEGACY,
    },
    async (t) => {
      const k = await createKey(t, 'delete-once', 'Viewer');
      expectGrafanaError(await deleteKey(t, k.id, k.name), 200, { message: 'API key deleted' });
      const { items } = await list(t, '?includeExpired=true');
      expect(
        items.some((i) => i.id === k.id),
        `deleted key ${k.name} is no longer listed`,
      ).toBe(false);
    },
  );

  kase(
    {
      id: 'srv.delete.002',
      level: 'MUST',
      sends: 'DELETE /graph/api/auth/keys/<id> as admin twice',
      expects: 'the second answer is 404 {"message":"Failed to delete API key","traceID":""}',
      ref: 'grafana-auth §1.6',
      source: DELETE,
      ...LEGACY,
    },
    async (t) => {
      const k = await createKey(t, 'delete-twice', 'Viewer');
      expectStatus(await deleteKey(t, k.id, k.name), 200, '200 for the first DELETE');
      expectGrafanaError(await deleteKey(t, k.id, k.name), 404, { message: 'Failed to delete API key', traceID: '' });
    },
  );

  kase(
    {
      id: 'srv.delete.003',
      level: 'MUST',
      sends: 'DELETE /graph/api/auth/keys/abc as admin',
      expects: '400 {"message":"id is invalid","traceID":""}',
      ref: 'grafana-auth §1.6',
      source: DELETE,
      profiles: PROFILES,
    },
    async (t) => {
      // Not through deleteKey(): "abc" names no key, so nothing can be deleted (deleteKey takes numeric ids).
      const res = await send(t, { method: 'DELETE', path: '/graph/api/auth/keys/abc', headers: adminAuth(t) });
      expectGrafanaError(res, 400, { message: 'id is invalid', traceID: '' });
    },
  );

  kase(
    {
      id: 'srv.delete.004',
      level: 'MUST',
      sends:
        'GET /v1/version and GET /graph/api/auth/key with Authorization: Bearer <a key that worked, then was deleted> (polled up to 10 s)',
      expects: '401 {"code":16,…} from /v1/version and 401 from /graph/api/auth/key',
      ref: 'grafana-auth §1.6, grafana-auth §3.2; pmm-auth §1.4, pmm-auth §2.3, pmm-auth §2.4',
      source: `${DELETE}; percona/pmm managed/services/grafana/auth_server.go (v2.41.0)`,
      needs: ['write'],
      notOn:
        "on PMM 3 the key's first use on a PMM path migrates it into a service account (pmm-auth §2.3, pmm-auth §4.2), after which DELETE /api/auth/keys/:id finds no plain key (grafana-auth §1.6); srv.migrate.* and srv.sa.008 cover PMM 3",
    },
    async (t) => {
      const k = await createKey(t, 'delete-stops', 'Viewer');
      expectStatus(
        await send(t, { path: '/v1/version', headers: bearer(k.key) }),
        200,
        '200 from /v1/version before the key is deleted',
      );
      expectStatus(await deleteKey(t, k.id, k.name), 200, '200 for the DELETE');
      const pmm = await eventually(
        () => send(t, { path: '/v1/version', headers: bearer(k.key) }),
        (r) => r.status !== 200,
        t.pollSeconds,
      );
      expectAuthLayerError(pmm, 16);
      const grafana = await eventually(
        () => send(t, { path: '/graph/api/auth/key', headers: bearer(k.key) }),
        (r) => r.status !== 200,
        t.pollSeconds,
      );
      expectStatus(grafana, 401, '401 from /graph/api/auth/key with the deleted key');
    },
  );
});
