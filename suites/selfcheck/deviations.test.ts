/**
 * The server suite must be able to fail: run it against mocks that deviate from PMM on purpose
 * (the mock's test-only `--deviate` switch) and check that it fails, on the expected case ids.
 * Black-box like the suite: the mocks are started as processes, the suite as one nested vitest
 * run (nested.config.ts) with one project per deviation, side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMock, type SpawnedMock } from '../_support/spawn-mock.ts';
import type { CaseResult, NestedResults } from './case-reporter.ts';
import { PLAN_ENV, type NestedPlan } from './plan.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const NESTED_CONFIG = fileURLToPath(new URL('./nested.config.ts', import.meta.url));

/**
 * Deviation → case ids that must fail against it (each a wrong server of a kind issue 4 names).
 * Its project in the nested run runs the areas of those ids and the seed (`areasOf`), not the whole suite.
 */
const EXPECTED_FAILURES: Readonly<Record<string, readonly string[]>> = {
  'bearer-any-case': ['srv.header.001', 'srv.header.002'],
  'query-key': ['srv.header.006'],
  'no-expiry': ['srv.expiry.002', 'srv.expiry.003', 'srv.expiry.004'],
  'expiry-off-by-one': ['srv.expiry.002', 'srv.expiry.004'],
  'new-user-editor': ['srv.users.002', 'srv.users.005'],
  'swagger-needs-auth': ['srv.swagger.002', 'srv.swagger.003'],
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
 * The same for the pmm3 mock (`--profile pmm3`). To keep the run short, the deviation's project runs
 * only the areas named (the seed included, so that most cases still pass).
 */
const PMM3_FAILURES: Readonly<Record<string, { readonly areas: string; readonly ids: readonly string[] }>> = {
  'service-token-refused': { areas: 'seed|token|roles3', ids: ['srv.token.003', 'srv.roles3.008'] },
  'disabled-works': { areas: 'seed|sa', ids: ['srv.sa.011'] },
  'sa-delete-noop': { areas: 'seed|sa', ids: ['srv.sa.008'] },
  'no-migration': { areas: 'seed|migrate', ids: ['srv.migrate.001'] },
};

/**
 * A whole legacy key (base64 of `{"k":…`) or glsa_ token, as it would leak; the suite's redactor
 * shows at most 8 characters of one before its fingerprint.
 */
const WHOLE_KEY = /eyJrIjoi[A-Za-z0-9+/]{20,}={0,2}|glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}/g;

/** Bounds the nested run: its cases poll for at most this long where PMM's auth cache would delay a change. */
const MOCK_POLL_SECONDS = '5';

/**
 * The areas a pmm2 deviation's project covers (cases `srv.<area>.nnn`): those of the ids that must
 * fail, plus `seed`, which passes against every deviation (so that most cases still pass).
 */
function areasOf(ids: readonly string[]): string {
  return ['seed', ...new Set(ids.map((id) => id.split('.')[1]!))].join('|');
}

/**
 * Area (`srv.<area>.nnn`) → the suite files that define its cases (read from the files' id
 * literals), named without `.test.ts` as nested-entry.ts imports them.
 */
const SERVER_DIR = join(ROOT, 'suites/server');
const FILES_OF_AREA: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const name of readdirSync(SERVER_DIR).filter((n) => n.endsWith('.test.ts'))) {
    const file = name.slice(0, -'.test.ts'.length);
    for (const m of readFileSync(join(SERVER_DIR, name), 'utf8').matchAll(/'srv\.(\w+)\.\d{3}'/g)) {
      const files = map.get(m[1]!) ?? [];
      if (!files.includes(file)) files.push(file);
      map.set(m[1]!, files);
    }
  }
  return map;
})();

/**
 * The files of the areas (so that vitest loads only those, not the whole suite). An area with no
 * file is a broken self-check.
 */
function filesOf(areas: string): string[] {
  const files = areas.split('|').flatMap((area) => {
    const found = FILES_OF_AREA.get(area);
    if (!found) throw new Error(`self-check: no suite file defines cases srv.${area}.nnn`);
    return found;
  });
  return [...new Set(files)];
}

interface Deviation {
  readonly name: string;
  readonly profile: 'pmm2' | 'pmm3';
  /** `seed|header`: the areas its project runs. */
  readonly areas: string;
  readonly ids: readonly string[];
}

const DEVIATIONS: readonly Deviation[] = [
  ...Object.entries(EXPECTED_FAILURES).map(([name, ids]) => ({
    name,
    profile: 'pmm2' as const,
    areas: areasOf(ids),
    ids,
  })),
  ...Object.entries(PMM3_FAILURES).map(([name, { areas, ids }]) => ({ name, profile: 'pmm3' as const, areas, ids })),
];

/** What the nested run (one project per deviation) did, read from case-reporter.ts's file. */
interface NestedRun {
  readonly exitCode: number | null;
  readonly results: NestedResults;
  /** The end of its stderr, for the messages of failed assertions. */
  readonly stderrTail: string;
  /** All of its stderr, without colours. */
  readonly stderr: string;
}

/** What the run started: killed or removed after the tests, also when starting them failed. */
const mocks: SpawnedMock[] = [];
let nested: ChildProcess | undefined;
let tempDir: string | undefined;
afterAll(async () => {
  if (nested && nested.exitCode === null && nested.signalCode === null) nested.kill('SIGKILL');
  await Promise.all(mocks.map((m) => m.stop()));
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

/** Starts every deviating mock at once; throws the first failure once all have settled (none is left unowned). */
async function startMocks(): Promise<SpawnedMock[]> {
  const started = await Promise.allSettled(
    DEVIATIONS.map((d) =>
      spawnMock(['--admin-password', 'selfcheck-pw', '--profile', d.profile, '--deviate', d.name]).then((m) => {
        mocks.push(m);
        return m;
      }),
    ),
  );
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return started.map((s) => (s as PromiseFulfilledResult<SpawnedMock>).value);
}

/** Runs the nested suite: each deviation's project against its mock, as a real PMM would be named. */
async function runNested(): Promise<NestedRun> {
  const started = await startMocks();
  tempDir = mkdtempSync(join(tmpdir(), 'pmmconf-selfcheck-'));
  const plan: NestedPlan = {
    resultsFile: join(tempDir, 'results.json'),
    projects: DEVIATIONS.map((d, i) => ({
      name: d.name,
      files: filesOf(d.areas),
      testNamePattern: `srv\\.(${d.areas})\\.`,
      env: {
        PMM_SERVER_URL: `https://admin:selfcheck-pw@${new URL(started[i]!.https).host}`,
        PMM_SERVER_CA_FILE: started[i]!.caFile,
        PMM_SERVER_INSECURE_TLS: '',
        PMM_SUITE_MOCK_POLL_SECONDS: MOCK_POLL_SECONDS,
      },
    })),
  };
  const child = spawn(process.execPath, [VITEST, 'run', '--config', NESTED_CONFIG], {
    cwd: ROOT,
    env: { ...process.env, [PLAN_ENV]: JSON.stringify(plan) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  nested = child;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // Without its colours: vitest colours its errors when the outer run has a terminal.
  const plain = stderr.replace(/\x1b\[[0-9;]*m/g, '');
  const stderrTail = plain.split('\n').slice(-30).join('\n');
  try {
    const results = JSON.parse(readFileSync(plan.resultsFile, 'utf8')) as NestedResults;
    return { exitCode, results, stderrTail, stderr: plain };
  } catch (e) {
    throw new Error(
      `the nested suite run left no results (${(e as Error).message}); exit ${exitCode}; stderr:\n${stderrTail}`,
    );
  }
}

describe('issue 4: the server suite fails against deliberately wrong servers', () => {
  let run: NestedRun;
  beforeAll(async () => {
    run = await runNested();
  });

  it('a MUST failure makes the nested run exit non-zero', () => {
    expect(run.exitCode, `killed? ${run.stderrTail}`).not.toBeNull();
    expect(run.exitCode, run.stderrTail).not.toBe(0);
  });

  // issue 12 (6): a failing case never shows a whole key, not even against a server that lists secrets.
  it('no failure message or stderr line of the nested run carries a whole key or token', () => {
    const failedMessages = run.results.cases.flatMap((c) => c.messages);
    expect(failedMessages.length, 'the deviations make cases fail, with messages').toBeGreaterThan(0);
    const leaks = [...failedMessages, run.stderr].flatMap((text) => text.match(WHOLE_KEY) ?? []);
    expect(leaks.map((k) => `${k.slice(0, 8)}… (${k.length} chars)`)).toEqual([]);
  });

  it.for(DEVIATIONS.map((d) => [d.profile, d.name, d.ids, d] as const))(
    'a %s mock with deviation %s fails the suite on %j',
    ([, , , { name, areas, ids }]) => {
      const cases = run.results.cases.filter((c) => c.project === name);
      const why = `nested run: exit ${run.exitCode}, ${run.results.reason}; ${run.results.errors.join('; ')}\n${run.stderrTail}`;
      const ran = (c: CaseResult) => c.state === 'passed' || c.state === 'failed';
      const failed = cases.filter((c) => c.state === 'failed').map((c) => c.id);
      const passed = cases.filter((c) => c.state === 'passed').map((c) => c.id);
      // Only the areas ran: the project's testNamePattern was applied.
      const inAreas = new RegExp(`^srv\\.(${areas})\\.`);
      expect(
        cases
          .filter(ran)
          .map((c) => c.id)
          .filter((id) => !inAreas.test(id)),
        why,
      ).toEqual([]);
      // vitest exits non-zero iff a case failed; against a mock, SHOULD/OBSERVED cases fail like MUST (case.ts).
      expect(failed.length, `a MUST failure makes the run exit non-zero: ${why}`).toBeGreaterThan(0);
      for (const id of ids) expect(failed, `case ${id} fails against deviation ${name}: ${why}`).toContain(id);
      // The deviation is narrow: most of the project's cases still pass against it.
      expect(passed.length, why).toBeGreaterThan(failed.length);
    },
  );
});
