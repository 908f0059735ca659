/**
 * The server suite must be able to fail: run it against mocks that deviate from PMM on purpose
 * (the mock's test-only `--deviate` switch) and check that it fails, on the expected case ids.
 * Black-box like the suite: the mock is started as a process, the suite as a nested vitest run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { spawnMock } from '../_support/spawn-mock.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');

/**
 * Deviation → case ids that must fail against it (each a wrong server of a kind issue 4 names).
 * The nested suite runs the areas of those ids and the seed (`areasOf`), not the whole suite.
 */
const EXPECTED_FAILURES: Readonly<Record<string, readonly string[]>> = {
  'bearer-any-case': ['srv.header.001', 'srv.header.002'],
  'query-key': ['srv.header.006'],
  'no-expiry': ['srv.expiry.002', 'srv.expiry.003'],
  'ignore-roles': ['srv.roles.001', 'srv.roles.019'],
  'denied-403': ['srv.roles.001', 'srv.roles.002'],
  'no-admin-fallback': ['srv.roles.019'],
  'negative-ttl-first': ['srv.keys.009'],
  'role-any-case': ['srv.keys.005'],
  'viewer-creates-keys': ['srv.keys.011', 'srv.keys.012'],
  'list-secrets': ['srv.list.003'],
  'delete-noop': ['srv.delete.004'],
};

/**
 * The same for the pmm3 mock (`--profile pmm3`). To keep the run short, the nested suite runs only
 * the areas named in `-t` (the seed included, so that most cases still pass).
 */
const PMM3_FAILURES: Readonly<Record<string, { readonly areas: string; readonly ids: readonly string[] }>> = {
  'service-token-refused': { areas: 'seed|token|roles3', ids: ['srv.token.003', 'srv.roles3.008'] },
  'disabled-works': { areas: 'seed|sa', ids: ['srv.sa.011'] },
  'sa-delete-noop': { areas: 'seed|sa', ids: ['srv.sa.008'] },
  'no-migration': { areas: 'seed|migrate', ids: ['srv.migrate.001'] },
};

/** Bounds the nested runs: each polls for at most this long where PMM's auth cache would delay a change. */
const MOCK_POLL_SECONDS = '5';

/**
 * The areas a pmm2 deviation's nested run covers (`-t srv\.(areas)\.`): those of the ids that must
 * fail, plus `seed`, which passes against every deviation (so that most cases still pass).
 */
function areasOf(ids: readonly string[]): string {
  return ['seed', ...new Set(ids.map((id) => id.split('.')[1]!))].join('|');
}

/** Area (`srv.<area>.nnn`) → the suite files that define its cases (read from the files' id literals). */
const SERVER_DIR = join(ROOT, 'suites/server');
const FILES_OF_AREA: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const name of readdirSync(SERVER_DIR).filter((n) => n.endsWith('.test.ts'))) {
    for (const m of readFileSync(join(SERVER_DIR, name), 'utf8').matchAll(/'srv\.(\w+)\.\d{3}'/g)) {
      const files = map.get(m[1]!) ?? [];
      if (!files.includes(name)) files.push(name);
      map.set(m[1]!, files);
    }
  }
  return map;
})();

/**
 * The nested run's filters: the files of the areas (so that vitest loads only those, not the
 * whole suite) and `-t` for the areas' cases. An area with no file is a broken self-check.
 */
function filterOf(areas: string): string[] {
  const files = areas.split('|').flatMap((area) => {
    const found = FILES_OF_AREA.get(area);
    if (!found) throw new Error(`self-check: no suite file defines cases srv.${area}.nnn`);
    return found.map((f) => `suites/server/${f}`);
  });
  return [...new Set(files), '-t', `srv\\.(${areas})\\.`];
}

/** Kills, when the test ends, the processes it started (tests run concurrently: each keeps its own). */
function reaper(onTestFinished: (fn: () => void) => void): (c: ChildProcess) => void {
  const children: ChildProcess[] = [];
  onTestFinished(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  return (c) => void children.push(c);
}

function collect(child: ChildProcess): { out: () => string; err: () => string; exited: Promise<number | null> } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { out: () => out, err: () => err, exited: new Promise((r) => child.on('close', (code) => r(code))) };
}

async function startDeviatingMock(
  own: (c: ChildProcess) => void,
  deviation: string,
  profileArgs: readonly string[] = [],
): Promise<{ url: string; caFile: string }> {
  const mock = await spawnMock(['--admin-password', 'selfcheck-pw', ...profileArgs, '--deviate', deviation]);
  own(mock.child);
  return { url: mock.https, caFile: mock.caFile };
}

interface SuiteRun {
  readonly exitCode: number | null;
  readonly failed: ReadonlySet<string>;
  readonly passed: ReadonlySet<string>;
}

/** Runs the server project against `url` as a real PMM would be named, and reads its JSON report. */
async function runSuite(
  own: (c: ChildProcess) => void,
  url: string,
  caFile: string,
  filter: readonly string[],
): Promise<SuiteRun> {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-selfcheck-'));
  const outputFile = join(dir, 'results.json');
  const host = new URL(url).host;
  const child = spawn(
    process.execPath,
    [VITEST, 'run', '--project', 'server', ...filter, '--reporter=json', `--outputFile=${outputFile}`],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PMM_SERVER_URL: `https://admin:selfcheck-pw@${host}`,
        PMM_SERVER_CA_FILE: caFile,
        PMM_SERVER_INSECURE_TLS: '',
        PMM_SUITE_MOCK_POLL_SECONDS: MOCK_POLL_SECONDS,
      },
    },
  );
  own(child);
  const io = collect(child);
  const exitCode = await io.exited;
  try {
    const report = JSON.parse(readFileSync(outputFile, 'utf8')) as {
      testResults: { assertionResults: { title: string; status: string }[] }[];
    };
    const ids = (status: string) =>
      new Set(
        report.testResults.flatMap((f) =>
          f.assertionResults.filter((a) => a.status === status).map((a) => a.title.split(' ', 1)[0]!),
        ),
      );
    return { exitCode, failed: ids('failed'), passed: ids('passed') };
  } catch (e) {
    throw new Error(
      `the nested suite run left no report (${(e as Error).message}); exit ${exitCode}; ${io.err().slice(-2000)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The nested runs are independent (each its own mock and its own vitest): the project's
// maxConcurrency bounds how many run at once.
describe('issue 4: the server suite fails against deliberately wrong servers', () => {
  it.concurrent.for(Object.entries(EXPECTED_FAILURES))(
    'a mock with deviation %s fails the suite on %j',
    async ([deviation, ids], { expect, onTestFinished }) => {
      const own = reaper(onTestFinished);
      const mock = await startDeviatingMock(own, deviation);
      const run = await runSuite(own, mock.url, mock.caFile, filterOf(areasOf(ids)));
      expect(run.exitCode, 'a MUST failure makes the run exit non-zero').not.toBe(0);
      for (const id of ids) expect([...run.failed], `case ${id} fails against deviation ${deviation}`).toContain(id);
      // The deviation is narrow: most of the suite still passes against it.
      expect(run.passed.size).toBeGreaterThan(run.failed.size);
    },
  );

  it.concurrent.for(Object.entries(PMM3_FAILURES))(
    'a pmm3 mock with deviation %s fails the suite',
    async ([deviation, { areas, ids }], { expect, onTestFinished }) => {
      const own = reaper(onTestFinished);
      const mock = await startDeviatingMock(own, deviation, ['--profile', 'pmm3']);
      const run = await runSuite(own, mock.url, mock.caFile, filterOf(areas));
      expect(run.exitCode, 'a MUST failure makes the run exit non-zero').not.toBe(0);
      for (const id of ids) expect([...run.failed], `case ${id} fails against deviation ${deviation}`).toContain(id);
      expect(run.passed.size).toBeGreaterThan(run.failed.size);
    },
  );
});
