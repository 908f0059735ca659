/**
 * Expectation files (issues 5 and 6): a stale entry (a verdict that did not happen) fails the
 * run, on every profile it names and only there; a missing built-in gets a column that says so;
 * --profile picks the columns; bad usage exits 2. And --mock-url (issue 10): the runs here go to
 * mocks this file starts once, as a user's separately started mock. And issue 11, no green run
 * on a broken setup: the exit codes, the up-front checks, reasons that explain, process hygiene
 * and progress.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMock, type SpawnedMock } from '../_support/spawn-mock.ts';
import { skipIfMissing } from './installed.ts';
import { startMockPool, type MockPool } from './mock-pool.ts';
import {
  cleanupRuns,
  readReport,
  refusedInProcess,
  refusedRun,
  ROOT,
  runCheck,
  startCheck,
  verdictOf,
} from './run-check.ts';

const dirs: string[] = [];
/** A directory of this file's own, for the tiny clients below and their pid files. */
const scratch = mkdtempSync(join(tmpdir(), 'pmmconf-check-cli-'));
dirs.push(scratch);
/** A `#!/bin/sh` client in the scratch directory; `mode` 0o644 makes it not executable. */
function script(name: string, body: string, mode = 0o755): string {
  const file = join(scratch, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, mode);
  return file;
}
/** Whether a process is gone (or a zombie nobody reaps: PID 1 here may not reap orphans). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}
/** Waits until a file has content (a client wrote its grandchild's pid): the number in it. */
async function pidIn(file: string): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (text !== '') return Number(text);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no pid in ${file}`);
}
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Escape sequences: the harness prints no colour (so NO_COLOR needs nothing). */
const COLOUR = /\x1b\[/;
/** A directory holding one curl.expect.json with these case entries. */
function expectationsDir(cases: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmmconf-expect-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'curl.expect.json'), JSON.stringify({ client: 'curl', cases }));
  return dir;
}

let pool: MockPool;
/** A mock without certificate personalities (no --tls): the harness must refuse it. */
let plain: SpawnedMock | undefined;
beforeAll(async () => {
  [pool, plain] = await Promise.all([startMockPool(1), spawnMock(['--admin-password', 'plain-pw'])]);
}, 60_000);
afterAll(async () => {
  cleanupRuns();
  await Promise.all([pool?.stop(), plain?.stop()]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
/** The pool's mocks (a pmm2 and a pmm3 process) as --mock-url arguments. */
const mocks = (): string[] => pool.args;

/**
 * One run shared by two tests: every built-in found (no --only, no --client), one case on PMM 2,
 * with Go unable to build (GOROOT points nowhere), so go-nethttp is missing and was not named.
 */
let shared: ReturnType<typeof runCheck> | undefined;
const everyBuiltin = (): ReturnType<typeof runCheck> =>
  (shared ??= runCheck([...mocks(), '--cases', 'client.bearer.exact', '--profile', 'pmm2'], {
    GOROOT: '/nonexistent',
  }));

const STALE = {
  verdict: 'FAIL',
  reason: 'pretend curl mangles the header',
  source: 'none: a deliberately stale entry',
};

describe('pmm-auth-check expectations and edge cases', () => {
  it('issues 5, 6: an expectation that did not happen (stale) fails the run, once per profile', async () => {
    const dir = expectationsDir({ 'client.bearer.exact': STALE });
    const run = await runCheck([...mocks(), '--only', 'curl', '--cases', 'client.bearer.exact', '--expectations', dir]);
    expect(run.code).toBe(1);
    expect(run.report.unexpected).toEqual([
      expect.stringMatching(/^curl pmm2 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/),
      expect.stringMatching(/^curl pmm3 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/),
    ]);
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.bearer.exact').expected).toBe(false);
  }, 120_000);

  it('issue 6: an entry with "profiles": ["pmm3"] applies on PMM 3 only; PMM 2 keeps the default PASS', async () => {
    const dir = expectationsDir({ 'client.bearer.exact': [{ ...STALE, profiles: ['pmm3'] }] });
    const run = await runCheck([...mocks(), '--only', 'curl', '--cases', 'client.bearer.exact', '--expectations', dir]);
    expect(run.report.unexpected).toEqual([
      expect.stringMatching(/^curl pmm3 client\.bearer\.exact: PASS, expected FAIL \(stale expectation\)/),
    ]);
    expect(verdictOf(run.report, 'curl', 'pmm2', 'client.bearer.exact')).toMatchObject({
      verdict: 'PASS',
      expected: true,
    });
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.bearer.exact')).toMatchObject({
      verdict: 'PASS',
      expected: false,
      expectedVerdict: 'FAIL',
    });
  }, 120_000);

  it('issue 6: --profile pmm3 runs the PMM 3 column only (its report has no PMM 2)', async () => {
    const run = await runCheck([...mocks(), '--only', 'curl', '--cases', 'client.userinfo.basic', '--profile', 'pmm3']);
    expect(run.code).toBe(0);
    expect(run.report.profiles.map((p) => p.name)).toEqual(['pmm3']);
    expect(Object.keys(run.report.clients.curl!.profiles)).toEqual(['pmm3']);
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.userinfo.basic').reason).toContain(
      'Basic service_token:<key> (glsa_',
    );
    expect(readFileSync(join(run.dir, 'report.md'), 'utf8')).not.toContain('PMM 2');
  }, 120_000);

  // Issue 11 changed this on purpose: a *named* client that cannot run (--client, --only) is exit 2
  // (below); a built-in that was not named keeps its "missing" column and does not fail the run.
  it('issues 5, 6, 11: a built-in that cannot run and was not named gets a column saying it is missing; the plan comes first; exit 0', async () => {
    const run = await everyBuiltin();
    expect(run.code, run.stderr).toBe(0);
    const err = lines(run.stderr);
    expect(err[0]).toMatch(
      /^pmm-auth-check: plan: \d+ clients \(curl, [^)]*\) × 1 profile \(pmm2\) × 1 case = \d+ verdicts, 1 lane$/,
    );
    // GOROOT=/nonexistent breaks Go's build; a machine without Go says so instead.
    const goMissing =
      /^(go build failed: go: cannot find GOROOT directory: \/nonexistent|go is not installed \(Debian: golang-go\))$/;
    expect(err).toContainEqual(
      expect.stringMatching(new RegExp(`^pmm-auth-check: go-nethttp: missing, not run — ${goMissing.source.slice(1)}`)),
    );
    expect(err).toContainEqual(
      expect.stringMatching(/^pmm-auth-check: \[\d+\/\d+\] curl pmm2 \(curl [^)]+\): 1\/1 as expected — 1 PASS \(/),
    );
    expect(run.report.clients['go-nethttp']).toMatchObject({
      version: null,
      missing: expect.stringMatching(goMissing),
      profiles: {},
    });
    expect(verdictOf(run.report, 'curl', 'pmm2', 'client.bearer.exact').verdict).toBe('PASS');
    // go-nethttp, and on a machine without them wget, python-requests and the like.
    const missing = Object.keys(run.report.clients).filter((n) => run.report.clients[n]!.missing);
    expect(missing).toContain('go-nethttp');
    expect(lines(run.stdout).at(-1)).toBe(
      `pmm-auth-check: every verdict as expected; not run, missing here: ${missing.join(', ')}`,
    );
    expect(run.stdout + run.stderr).not.toMatch(COLOUR);
    expect(run.leftovers).toEqual([]);
  }, 120_000);

  it('issue 6: --cases does not make a built-in expectation file "unknown" (wget has entries for other cases)', async (ctx) => {
    const run = await everyBuiltin();
    skipIfMissing(ctx, 'wget', run.report.clients.wget?.missing);
    expect(run.code).toBe(0);
    expect(verdictOf(run.report, 'wget', 'pmm2', 'client.bearer.exact').verdict).toBe('PASS');
  }, 120_000);

  // These exit before any mock or client starts: in this process (refusedInProcess), one after the
  // other; the last one (a client resolved first) as a process, which also shows the exit code. The first line says why.
  it.each<[string, string[], RegExp, NodeJS.ProcessEnv?]>([
    ['an unknown built-in', ['--only', 'netscape'], /--only: unknown client/],
    ['a --client without =', ['--client', 'nameonly'], /expected NAME=EXECUTABLE/],
    ['a case glob that matches nothing', ['--cases', 'client.nothing.*'], /matches no case/],
    ['an unknown profile', ['--profile', 'pmm4'], /--profile "pmm4": expected pmm2, pmm3 or all/],
    [
      'an expectation for an unknown profile',
      [
        '--only',
        'curl',
        '--expectations',
        expectationsDir({ 'client.bearer.exact': { ...STALE, profiles: ['pmm4'] } }),
      ],
      /"profiles" must be a non-empty list of pmm2, pmm3/,
    ],
    ['a --jobs of 0', ['--jobs', '0'], /--jobs must be an integer from 1 to 32/],
    ['a --timeout of 0', ['--timeout', '0'], /--timeout must be a whole number of seconds from 1 to 600, got "0"/],
    [
      'a --mock-url with a path',
      ['--mock-url', 'https://127.0.0.1:8443/v1/version'],
      /--mock-url "[^"]+": expected the mock's main URL/,
    ],
    ['--mock-ca without --mock-url', ['--mock-ca', '/nonexistent/ca.pem'], /apply to --mock-url/],
    // Issue 11: a --report-dir that cannot be written (these hung or printed a raw EEXIST/ENOTDIR stack, exit 1).
    [
      'a --report-dir that is a file',
      ['--only', 'curl', '--report-dir', 'README.md'],
      /^pmm-auth-check: --report-dir README\.md: not a directory$/,
    ],
    [
      'a --report-dir under a file',
      ['--only', 'curl', '--report-dir', '/dev/null/x'],
      /^pmm-auth-check: --report-dir \/dev\/null\/x: \/dev\/null is not a directory$/,
    ],
    [
      'a --report-dir that cannot be created',
      ['--only', 'curl', '--report-dir', '/proc/nope'],
      /^pmm-auth-check: --report-dir \/proc\/nope: cannot create \/proc\/nope \(ENOENT: no such file or directory\)$/,
    ],
    // Issue 11: accepted silently before.
    [
      'a missing --expectations directory',
      ['--only', 'curl', '--expectations', '/nonexistent'],
      /^pmm-auth-check: --expectations \/nonexistent: no such directory$/,
    ],
    // Issue 11: a built-in named with --only that cannot run here (Go cannot build) is not a "missing" column.
    [
      'a built-in named with --only that is missing',
      ['--only', 'go-nethttp'],
      /^pmm-auth-check: --only go-nethttp: go-nethttp cannot run here: go (build failed: go: cannot find GOROOT directory: \/nonexistent|is not installed)/,
      { GOROOT: '/nonexistent' },
    ],
  ])(
    'issues 5, 6, 10, 11: %s → exit 2, a first line saying why, and no report',
    async (_label, args, message, env) => {
      const error = await (env ? refusedRun(args, env) : refusedInProcess(args));
      expect(error.message).toMatch(/exit 2/);
      expect(error.first).toMatch(message);
      expect(error.reportDirLeft, 'the report directory it created is removed').toBe(false);
      expect(error.leftovers).toEqual([]);
    },
    60_000,
  );

  it.concurrent('issue 11: a --client that cannot run → exit 2 before any mock starts, one line each: no such file, not executable, a directory, not in PATH, --version failing, silent or hanging (its process group killed)', async () => {
    const hangPid = join(scratch, 'hang-version.pid');
    const clients = {
      absent: './does-not-exist',
      plain: script('not-executable', 'exit 0', 0o644),
      dir: scratch,
      nopath: 'no-such-client-in-path',
      fails: script('version-fails', '[ "$1" = --version ] && { echo "fails: not installed" >&2; exit 3; }'),
      silent: script('version-silent', 'exit 0'),
      // The grandchild (sleep) holds stdout: killed with the group, or the harness would wait 30 s.
      hangs: script('version-hangs', `[ "$1" = --version ] && { sleep 30 & echo $! > ${hangPid}; wait; }`),
    };
    const started = Date.now();
    // --timeout 3: the hanging --version is stopped after 3 s, not the default 10.
    const error = await refusedRun([
      '--timeout',
      '3',
      ...Object.entries(clients).flatMap(([n, exe]) => ['--client', `${n}=${exe}`]),
    ]);
    expect(error.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lines(error.stderr)).toEqual([
      'pmm-auth-check: --client absent=./does-not-exist: no such file',
      `pmm-auth-check: --client plain=${clients.plain}: not executable (chmod +x ${clients.plain})`,
      `pmm-auth-check: --client dir=${scratch}: a directory, not an executable`,
      'pmm-auth-check: --client nopath=no-such-client-in-path: not found in PATH (give a path, e.g. ./my-client)',
      `pmm-auth-check: --client fails=${clients.fails}: "${clients.fails} --version" exited 3: fails: not installed`,
      `pmm-auth-check: --client silent=${clients.silent}: "${clients.silent} --version" exited 0 but printed nothing (it must print one line)`,
      `pmm-auth-check: --client hangs=${clients.hangs}: "${clients.hangs} --version" gave no answer within 3 s (stopped with its process group)`,
    ]);
    expect(gone(await pidIn(hangPid)), 'the hanging --version grandchild').toBe(true);
    expect(error.reportDirLeft).toBe(false);
    expect(error.leftovers).toEqual([]);
  }, 60_000);

  it.concurrent('issue 11: SIGTERM while the clients are checked → exit 143, a partial report, the --version grandchild and go build stopped, TMPDIR empty', async () => {
    const pidFile = join(scratch, 'term-version.pid');
    const stuck = script('version-stuck', `[ "$1" = --version ] && { sleep 30 & echo $! > ${pidFile}; wait; }`);
    // go-nethttp: the harness builds it into a temporary directory, which must go too.
    const run = startCheck(['--client', `stuck=${stuck}`, '--only', 'go-nethttp']);
    const sleeper = await pidIn(pidFile);
    run.child.kill('SIGTERM');
    const done = await run.finished;
    expect(done.code, done.stderr).toBe(143);
    expect(lines(done.stderr).at(-1)).toMatch(
      /^pmm-auth-check: SIGTERM: stopped after 0 verdicts; partial report: .*report\.json, .*report\.md, .*report\.html, .*junit\.xml$/,
    );
    expect(readReport(done)).toMatchObject({ partial: true, interrupted: 'SIGTERM', clients: {} });
    expect(gone(sleeper)).toBe(true);
    expect(done.leftovers).toEqual([]);
  }, 60_000);

  it.concurrent('issue 11: both CLIs print the package version with --version, exit 0', async () => {
    const run = promisify(execFile);
    const check = await run(process.execPath, [join(ROOT, 'scripts/pmm-auth-check.js'), '--version']);
    expect(check.stdout).toBe(`pmm-auth-check ${VERSION}\n`);
    const mock = await run(process.execPath, [join(ROOT, 'scripts/pmm-auth-mock.js'), '--version']);
    expect(mock.stdout).toBe(`pmm-auth-mock ${VERSION}\n`);
  }, 60_000);

  it('issue 11: --only names a --client client; a reason says what the client said and what the mock saw; one cause is said once', async () => {
    // Forgets PMM_CA_FILE: curl refuses the test CA's certificate, and the mock records the alert.
    const ignoresCa = script(
      'ignores-ca',
      '[ "$1" = --version ] && { echo "ignores-ca 1"; exit 0; }\necho "ignores-ca: GET $PMM_URL" >&2\nexec curl -sS -o /dev/null "$PMM_URL"',
    );
    const run = await runCheck([
      ...mocks(),
      // Not picked by --only: never started (it does not exist).
      '--client',
      'ghost=/nonexistent/ghost-client',
      '--client',
      `ignores-ca=${ignoresCa}`,
      '--only',
      'ignores-ca',
      '--cases',
      'client.userinfo.*',
    ]);
    expect(run.code, run.stderr).toBe(1);
    const err = lines(run.stderr);
    expect(err[0]).toBe(
      'pmm-auth-check: plan: 1 client (ignores-ca) × 2 profiles (pmm2, pmm3) × 2 cases = 4 verdicts, 1 lane',
    );
    // A line per client and profile as it finishes (the profiles run side by side: either first).
    for (const p of ['pmm2', 'pmm3'])
      expect(err).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^pmm-auth-check: \\[[12]/2\\] ignores-ca ${p} \\(ignores-ca 1\\): 0/2 as expected, 2 unexpected — 2 FAIL \\(\\d+\\.\\d s\\)$`,
          ),
        ),
      );
    expect(Object.keys(run.report.clients)).toEqual(['ignores-ca']);
    const basic = verdictOf(run.report, 'ignores-ca', 'pmm3', 'client.userinfo.basic');
    expect(basic.verdict).toBe('FAIL');
    // What the client said: exit code, error kind, its first stderr lines with the key redacted…
    expect(basic.reason).toContain(
      'client: other error (exit 60): stderr: "ignores-ca: GET https://service_token:<key>@',
    );
    expect(basic.reason).toContain('"curl: (60) SSL certificate problem');
    expect(basic.reason).not.toMatch(/glsa_|eyJ/);
    // …and what the mock saw: the handshake failure and its alert.
    expect(basic.reason).toMatch(/; mock: TLS handshake failed on the valid port \(alert \d+ [a-z ]+\)$/);
    const cause =
      /^the client exited 60 \(other error\); the mock saw the TLS handshake fail with alert \d+ \([a-z ]+\)$/;
    expect(run.report.causes).toEqual([
      {
        client: 'ignores-ca',
        cause: expect.stringMatching(cause),
        cases: [
          'pmm2 client.userinfo.basic',
          'pmm2 client.userinfo.decode',
          'pmm3 client.userinfo.basic',
          'pmm3 client.userinfo.decode',
        ],
      },
    ]);
    const unexpected = lines(run.stdout).filter((l) => l.startsWith('UNEXPECTED'));
    expect(unexpected).toEqual([
      `UNEXPECTED ignores-ca: 4 verdicts with one cause — ${run.report.causes[0]!.cause}: pmm2 client.userinfo.basic, pmm2 client.userinfo.decode, pmm3 client.userinfo.basic, pmm3 client.userinfo.decode`,
    ]);
    expect(run.report.unexpected).toHaveLength(4);
    expect(readFileSync(join(run.dir, 'report.md'), 'utf8')).toContain('## Shared causes');
    expect(run.stdout + run.stderr).not.toMatch(COLOUR);
  }, 120_000);

  it('issue 11: a case is killed with its process group — what it leaves behind when it exits, and all of it on SIGINT: exit 130 after a partial report of the cases finished', async () => {
    const pidFile = join(scratch, 'slow-case.pid');
    const leftFile = join(scratch, 'left-behind.pid');
    // The first case exits leaving a sleep that holds its stdout; the second hangs until the SIGINT.
    const slow = script(
      'slow',
      `[ "$1" = --version ] && { echo "slow 1"; exit 0; }
[ "$CASE_ID" = client.userinfo.basic ] && { sleep 30 & echo $! > ${leftFile}; exit 1; }
[ "$CASE_ID" = client.userinfo.decode ] && { sleep 30 & echo $! > ${pidFile}; wait; }
exit 1`,
    );
    const run = startCheck([
      ...mocks(),
      '--client',
      `slow=${slow}`,
      '--cases',
      'client.userinfo.*',
      '--profile',
      'pmm2',
    ]);
    const sleeper = await pidIn(pidFile);
    expect(gone(await pidIn(leftFile)), 'what the first case left running, once it exited').toBe(true);
    run.child.kill('SIGINT');
    const done = await run.finished;
    expect(done.code, done.stderr).toBe(130);
    expect(lines(done.stderr).at(-1)).toMatch(/^pmm-auth-check: SIGINT: stopped after 1 verdict; partial report: /);
    const report = readReport(done);
    expect(report).toMatchObject({ partial: true, interrupted: 'SIGINT' });
    // The case that ran to its end is there; the interrupted one is no verdict.
    expect(Object.keys(report.clients.slow!.profiles.pmm2!.cases)).toEqual(['client.userinfo.basic']);
    // Ended when it exited (not by the 10 s timeout, as when the sleep held its stdout open).
    expect(verdictOf(report, 'slow', 'pmm2', 'client.userinfo.basic').reason).toContain('client: other error (exit 1)');
    expect(readFileSync(join(done.dir, 'report.md'), 'utf8')).toContain(
      '**Partial report: the run was interrupted (SIGINT).**',
    );
    expect(readFileSync(join(done.dir, 'report.html'), 'utf8')).toContain(
      'Partial report: the run was interrupted (SIGINT).',
    );
    expect(gone(sleeper), "the interrupted case's grandchild").toBe(true);
    expect(done.leftovers).toEqual([]);
  }, 60_000);

  it('issue 10: --mock-url runs against a mock started separately; without --profile its profile is the column', async () => {
    const pmm3 = pool.mocks.find((m) => m.profile === 'pmm3')!.mock;
    const run = await runCheck([
      '--mock-url',
      pmm3.https,
      '--mock-admin-password',
      'pool-admin-pw',
      '--mock-ca',
      pmm3.caFile,
      '--only',
      'curl',
      '--cases',
      'client.status.401',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.profiles.map((p) => p.name)).toEqual(['pmm3']);
    // The expired token was created with a lifetime and the mock's clock moved past it.
    expect(verdictOf(run.report, 'curl', 'pmm3', 'client.status.401')).toMatchObject({
      verdict: 'PASS',
      reason: expect.stringMatching(/expired key \(glsa_/),
    });
  }, 60_000);

  it('issue 10: a mock without the certificate personalities → exit 2 naming them and --tls all', async () => {
    const error = await refusedRun([
      '--mock-url',
      plain!.https,
      '--mock-ca',
      plain!.caFile,
      '--mock-admin-password',
      'plain-pw',
      '--only',
      'curl',
    ]);
    expect(error.message).toMatch(/exit 2/);
    expect(error.message).toMatch(
      /pmm2 mock at https:\/\/127\.0\.0\.1:\d+: it serves no valid, self-signed, .*; start it with --tls all/,
    );
  }, 60_000);

  it('issue 10: a wrong --mock-admin-password → exit 2: the harness cannot create its keys, and says so', async () => {
    // One wrong password on the pool's pmm2 admin: Grafana locks a login only after five (grafana-auth §6.1).
    const pmm2 = pool.mocks.find((m) => m.profile === 'pmm2')!.mock;
    const error = await refusedRun(['--mock-url', pmm2.https, '--mock-admin-password', 'wrong-pw', '--only', 'curl']);
    expect(error.message).toMatch(/exit 2/);
    expect(error.message).toMatch(
      /cannot create the Viewer key "client-viewer-\w+" as admin: POST \/graph\/api\/auth\/keys answered 401/,
    );
  }, 60_000);
});
