/**
 * Issue 11: the run's clean-up against a target that answers something unexpected (it used to
 * throw "(intermediate value) is not iterable"): it deletes what it can, never throws, and says
 * what it could not do — the request and the answer — in one line. In process, against fakes on
 * 127.0.0.1 (fake-target.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanUp, finishRun } from './cleanup.ts';
import { type FakeTarget, json, startFakeTarget } from './fake-target.ts';
import type { Target } from './target.ts';

let dir: string;
const fakes: FakeTarget[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmmconf-cleanup-'));
});

afterAll(async () => {
  await Promise.all(fakes.map((f) => f.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function fake(handler?: Parameters<typeof startFakeTarget>[0]): Promise<FakeTarget> {
  const f = await startFakeTarget(handler);
  fakes.push(f);
  return f;
}

/** A target of run `r1` on `f`, with `keys` logged as created in its ledger. */
function targetOn(f: FakeTarget, keys: { id: number; name: string }[], profile: Target['profile'] = 'pmm2'): Target {
  const ledgerFile = join(dir, `ledger-${f.port}-${profile}.jsonl`);
  writeFileSync(ledgerFile, keys.map((k) => `${JSON.stringify({ event: 'created', ...k })}\n`).join(''));
  return {
    kind: 'real',
    embedded: false,
    baseUrl: f.url,
    ca: f.cert,
    insecure: false,
    admin: { login: 'admin', password: 'pw' },
    readOnly: false,
    strict: false,
    runId: 'r1',
    profile,
    version: profile === 'pmm3' ? '3.0.0' : '2.41.0',
    grafanaVersion: null,
    project: 'server',
    users: [],
    ledgerFile,
    pollSeconds: 10,
  };
}

describe('issue 11: the clean-up says what it could not do', () => {
  it('a list answer that is not a list (200 {"ok":true}): the logged key is still deleted, the list is reported', async () => {
    const f = await fake();
    const result = await cleanUp(targetOn(f, [{ id: 7, name: 'pmmconf-r1-a' }]));
    expect(result.keys).toEqual({
      created: 1,
      deleted: 1,
      left: [],
      problems: [
        'list the keys (GET /graph/api/auth/keys?includeExpired=true → 200 {"ok":true}: not a JSON list of {"id","name"})',
      ],
    });
    expect(f.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /graph/api/auth/keys/7',
      'GET /graph/api/auth/keys?includeExpired=true',
      'GET /graph/api/org/users',
    ]);
  });

  it('finishRun prints the counts, then one line with what it could not do; it does not throw', async () => {
    const f = await fake((req, res) =>
      req.method === 'DELETE' ? json(res, 500, { message: 'boom' }) : json(res, 200, { serviceAccounts: 'x' }),
    );
    const t = targetOn(f, [{ id: 7, name: 'pmmconf-r1-a' }], 'pmm3');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let printed: { out: string[]; err: string[] };
    try {
      await finishRun(t);
    } finally {
      printed = { out: out.mock.calls.map((c) => String(c[0])), err: err.mock.calls.map((c) => String(c[0])) };
      out.mockRestore();
      err.mockRestore();
    }
    expect(printed.out).toEqual([
      'pmm-auth-conformance: run r1 (server): created 1 keys, deleted 0; NOT deleted: pmmconf-r1-a\n',
    ]);
    expect(printed.err).toEqual([
      `pmm-auth-conformance: clean-up of run r1 (server) could not delete pmmconf-r1-a (DELETE /graph/api/auth/keys/7 → 500 {"message":"boom"}); list the keys (GET /graph/api/auth/keys?includeExpired=true → 200 {"serviceAccounts":"x"}: not a JSON list of {"id","name"}); list the service accounts (GET /graph/api/serviceaccounts/search?query=pmmconf-r1-&perpage=1000&page=1 → 200 {"serviceAccounts":"x"}: not a JSON list of {"id","name"}); list the users (GET /graph/api/org/users → 200 {"serviceAccounts":"x"}: not a JSON list of {"id","name"}); keys, service accounts and users named pmmconf-r1-* may remain\n`,
    ]);
  });

  it('an unreachable target: one problem, and nothing more is sent after the first failure', async () => {
    const f = await fake();
    const t = targetOn(f, [
      { id: 7, name: 'pmmconf-r1-a' },
      { id: 8, name: 'pmmconf-r1-b' },
    ]);
    await f.stop();
    const result = await cleanUp(t);
    expect(result.keys.left).toEqual(['pmmconf-r1-a', 'pmmconf-r1-b']);
    expect(result.keys.problems).toHaveLength(1);
    expect(result.keys.problems[0]).toMatch(
      /^reach https:\/\/127\.0\.0\.1:\d+ \(DELETE \/graph\/api\/auth\/keys\/7: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    );
  });

  it('never deletes what is not the run’s: listed keys of other runs are left alone', async () => {
    const f = await fake((req, res) =>
      req.method === 'GET'
        ? json(res, 200, [
            { id: 1, name: 'pmmconf-r2-other' },
            { id: 2, name: 'pmmconf-r1-listed' },
          ])
        : json(res, 200, { message: 'API key deleted' }),
    );
    const result = await cleanUp(targetOn(f, []));
    expect(result.keys).toEqual({ created: 1, deleted: 1, left: [], problems: [] });
    expect(f.seen.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/graph/api/auth/keys/2']);
  });

  it('deletes the run’s users (logged, and listed by login), never another’s', async () => {
    const f = await fake((req, res) => {
      if (req.method === 'DELETE') return json(res, 200, { message: 'User deleted' });
      if (req.url === '/graph/api/org/users')
        return json(res, 200, [
          { userId: 1, login: 'admin' },
          { userId: 5, login: 'pmmconf-r2-viewer' },
          { userId: 6, login: 'pmmconf-r1-listed' },
        ]);
      return json(res, 200, []);
    });
    const t = targetOn(f, []);
    writeFileSync(
      t.ledgerFile,
      `${JSON.stringify({ event: 'created', kind: 'user', id: 4, name: 'pmmconf-r1-logged' })}\n`,
    );
    const result = await cleanUp(t);
    expect(result.users).toEqual({ created: 2, deleted: 2, left: [], problems: [] });
    expect(f.seen.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/graph/api/admin/users/4',
      '/graph/api/admin/users/6',
    ]);
  });
});
