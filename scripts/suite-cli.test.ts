/**
 * Issue 11: no green run on a broken setup. The server suite's entry point (`pmm-auth-suite`,
 * `npm run test:server`) run as a user runs it, `node scripts/pmm-auth-suite.js` in a child
 * process, against fakes on 127.0.0.1 that are not PMM (suites/_support/fake-target.ts): each
 * broken setup ends with exit 2 and one line that says what it saw and what to set, before vitest
 * starts (so the last reports stay as they were). One run goes through vitest, for the "no case
 * ran" rule; the mapping of vitest's outcome onto the exit codes is checked directly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTarget, json, startFakeTarget } from '../suites/_support/fake-target.ts';
import { main } from '../suites/_support/suite-cli.ts';
import { jsonReportOf, suiteOutcome } from '../suites/_support/suite-outcome.ts';
import { Writable } from 'node:stream';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 60_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children = new Set<ReturnType<typeof spawn>>();
let dir: string;
let caFile: string;
let notPmm: FakeTarget;
let refusesAdmin: FakeTarget;
let hangs: FakeTarget;

/** The variables a run gets: none of the caller's PMM_* (a developer's own target must not leak in). */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PMM_')));
  return { ...env, ...vars };
}

/**
 * The same command without a process: its main() in this thread, output captured. For what it
 * decides before vitest starts (refusals, --help), one call at a time; the first refusal, --version
 * and Ctrl-C run as processes.
 */
async function inProcess(args: string[], vars: Record<string, string>): Promise<Run> {
  const text = { stdout: '', stderr: '' };
  const sink = (k: keyof typeof text) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        text[k] += chunk.toString();
        done();
      },
    });
  // One at a time: the target checks share this module's HTTPS agents, closed at the end of each.
  const code = inProcessQueue.then(() => main(args, envWith(vars), sink('stdout'), sink('stderr')));
  inProcessQueue = code.catch(() => 0);
  return { code: await code, ...text };
}
let inProcessQueue: Promise<number> = Promise.resolve(0);

/** Runs the entry point; `onStart` may signal it. */
function suite(args: string[], vars: Record<string, string>, onStart?: (pid: number) => void): Promise<Run> {
  const child = spawn(process.execPath, ['scripts/pmm-auth-suite.js', ...args], {
    cwd: ROOT,
    env: envWith(vars),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (onStart) onStart(child.pid!);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

const firstLine = (s: string): string => s.split('\n', 1)[0]!;

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pmmconf-suite-cli-'));
  // A plain HTTPS server answering 200 {"ok":true} to everything: not PMM.
  notPmm = await startFakeTarget();
  caFile = join(dir, 'fake-ca.pem');
  writeFileSync(caFile, notPmm.cert);
  // Grafana's health, then PMM's 401 for a refused login (pmm-auth §1.4).
  refusesAdmin = await startFakeTarget((req, res) =>
    req.url === '/graph/api/health'
      ? json(res, 200, { commit: 'x', database: 'ok', version: '9.2.20' })
      : json(res, 401, '{"code":16,"error":"invalid username or password","message":"invalid username or password"}\n'),
  );
  // Never answers.
  hangs = await startFakeTarget(() => undefined);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all([notPmm, refusesAdmin, hangs].map((f) => f?.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('issue 11: pmm-auth-suite refuses a setup it cannot test (exit 2, one line first)', () => {
  it(
    'a target that is not PMM: exit 2, the line names the endpoint, status and body; vitest never starts; no admin credentials sent',
    async () => {
      const run = await suite([], {
        PMM_SERVER_URL: `https://admin:pw@127.0.0.1:${notPmm.port}`,
        PMM_SERVER_CA_FILE: caFile,
      });
      expect(run.code).toBe(2);
      expect(firstLine(run.stderr)).toBe(
        `pmm-auth-conformance: cannot test ${notPmm.url}: it does not answer like PMM: GET /graph/api/health → 200 {"ok":true} (PMM's Grafana answers {"database":"ok",…}, grafana-auth §6.3); check that PMM_SERVER_URL names a PMM 2.41 or 3.x server (https://admin:PASSWORD@host:port)`,
      );
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toBe(''); // vitest did not start: no report was written
      expect(notPmm.seen.filter((r) => r.authorization !== undefined)).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'a path in PMM_SERVER_URL is refused, not dropped: exit 2 before any request',
    async () => {
      const run = await inProcess([], { PMM_SERVER_URL: `https://admin:pw@127.0.0.1:${notPmm.port}/__mock` });
      expect(run.code).toBe(2);
      expect(firstLine(run.stderr)).toMatch(
        /^pmm-auth-conformance: PMM_SERVER_URL must name the PMM server without a path, got "\/__mock" after the host: .*set PMM_SERVER_URL=https:\/\/…@127\.0\.0\.1:\d+$/,
      );
      expect(run.stdout).toBe('');
    },
    TIMEOUT_MS,
  );

  it(
    'a self-signed certificate without PMM_SERVER_CA_FILE: exit 2, the line says which variable to set',
    async () => {
      const run = await inProcess([], { PMM_SERVER_URL: `https://admin:pw@127.0.0.1:${notPmm.port}` });
      expect(run.code).toBe(2);
      expect(firstLine(run.stderr)).toMatch(
        /^pmm-auth-conformance: cannot test https:\/\/127\.0\.0\.1:\d+: the certificate of 127\.0\.0\.1:\d+ is not trusted \(self-signed certificate, DEPTH_ZERO_SELF_SIGNED_CERT\): set PMM_SERVER_CA_FILE=\/path\/to\/ca\.pem \(the CA that issued it\) or PMM_SERVER_INSECURE_TLS=1/,
      );
      expect(run.stdout).toBe('');
    },
    TIMEOUT_MS,
  );

  it(
    'connection refused: exit 2, check the host and port',
    async () => {
      const port = await closedPort();
      const run = await inProcess([], {
        PMM_SERVER_URL: `https://admin:pw@127.0.0.1:${port}`,
        PMM_SERVER_INSECURE_TLS: '1',
      });
      expect(run.code).toBe(2);
      expect(firstLine(run.stderr)).toBe(
        `pmm-auth-conformance: cannot test https://127.0.0.1:${port}: cannot connect to 127.0.0.1:${port}: connection refused; check the host and port of PMM_SERVER_URL (PMM 2 serves HTTPS on 443, PMM 3 on 8443 in its container) and that PMM is running`,
      );
    },
    TIMEOUT_MS,
  );

  it(
    'a CA file that is not a certificate: exit 2 before any request',
    async () => {
      const run = await inProcess([], {
        PMM_SERVER_URL: 'https://admin:pw@127.0.0.1:1',
        PMM_SERVER_CA_FILE: join(ROOT, 'package.json'),
      });
      expect(run.code).toBe(2);
      expect(firstLine(run.stderr)).toMatch(
        /^pmm-auth-conformance: PMM_SERVER_CA_FILE=.*package\.json is not a PEM certificate: name the PEM file of the CA/,
      );
    },
    TIMEOUT_MS,
  );

  it(
    'admin credentials refused: exit 2, one login attempt, never retried (Grafana locks the admin)',
    async () => {
      const run = await inProcess([], {
        PMM_SERVER_URL: `https://admin:wrong@127.0.0.1:${refusesAdmin.port}`,
        PMM_SERVER_CA_FILE: caFile,
      });
      expect(run.code).toBe(2);
      expect(firstLine(run.stderr)).toMatch(
        /^pmm-auth-conformance: cannot test https:\/\/127\.0\.0\.1:\d+: the admin credentials of PMM_SERVER_URL were refused \(GET \/v1\/version → 401 \{"code":16,.*; not retrying, so that Grafana does not lock the user/,
      );
      expect(refusesAdmin.seen.filter((r) => r.authorization !== undefined)).toHaveLength(1);
    },
    TIMEOUT_MS,
  );

  it(
    'Ctrl-C while the target is being checked: exit 130',
    async () => {
      const run = await suite([], {
        PMM_SERVER_URL: `https://admin:pw@127.0.0.1:${hangs.port}`,
        PMM_SERVER_CA_FILE: caFile,
      }, (pid) => {
        const poll = setInterval(() => {
          if (hangs.seen.length === 0) return;
          clearInterval(poll);
          process.kill(pid, 'SIGINT');
        }, 20);
      });
      expect(run.code).toBe(130);
      expect(run.stdout + run.stderr).toBe('');
    },
    TIMEOUT_MS,
  );

  it(
    "--version: exit 0, the package's version (vitest does not start)",
    async () => {
      const run = await suite(['--version'], {});
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^pmm-auth-suite \d+\.\d+\.\d+\n$/);
    },
    TIMEOUT_MS,
  );

  it(
    '--help: exit 0, the usage with the exit-code contract',
    async () => {
      const run = await inProcess(['--help'], {});
      expect(run.code).toBe(0);
      expect(firstLine(run.stdout)).toMatch(/^Usage: pmm-auth-suite /);
      expect(run.stdout).toMatch(/Exit status:\n {2}0 .*\n[\s\S]* {2}1 .*\n[\s\S]* {2}2 .*\n[\s\S]* {2}130 /);
    },
    TIMEOUT_MS,
  );

  it(
    'a run in which no case ran (-t matching none, embedded mock): exit 2, not a green run',
    async () => {
      const report = join(dir, 'results.json');
      // --reporter=json: the nested run writes no reports/ files (junit, summary) of its own.
      const run = await suite(
        ['suites/server/health.test.ts', '-t', 'srv.nomatch', '--reporter=json', `--outputFile.json=${report}`],
        {},
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /(^|\n)pmm-auth-conformance: no case ran: all \d+ selected cases were skipped \(their reasons are in the report\); nothing was tested\n$/,
      );
    },
    TIMEOUT_MS,
  );
});

describe('issue 11: the exit-code contract of pmm-auth-suite (vitest outcome → exit code)', () => {
  const counts = (total: number, passed: number, failed: number) => ({ total, passed, failed });

  it('0 when cases ran and none failed; 1 when a case failed', () => {
    expect(suiteOutcome(0, counts(141, 120, 0))).toEqual({ code: 0 });
    expect(suiteOutcome(1, counts(141, 119, 1))).toEqual({ code: 1 });
    // No fresh report (e.g. a reporter without JSON): vitest's code stands.
    expect(suiteOutcome(0, undefined)).toEqual({ code: 0 });
  });

  it('2 when nothing was tested: every case skipped, none selected, or the suite did not start', () => {
    expect(suiteOutcome(0, counts(141, 0, 0)).code).toBe(2);
    expect(suiteOutcome(0, counts(0, 0, 0)).code).toBe(2);
    expect(suiteOutcome(1, counts(0, 0, 0)).code).toBe(2);
    expect(suiteOutcome(null, undefined).code).toBe(2);
    expect(suiteOutcome(7, undefined).code).toBe(2);
  });

  it('an interrupted vitest keeps its code', () => {
    expect(suiteOutcome(130, undefined)).toEqual({ code: 130 });
  });

  it('finds the JSON report vitest writes', () => {
    expect(jsonReportOf([])).toBe(join(ROOT, 'reports/results.json'));
    expect(jsonReportOf(['--outputFile.json=/x/r.json', '--outputFile=/y'])).toBe('/x/r.json');
    expect(jsonReportOf(['--reporter=json', '--outputFile', '/y/r.json'])).toBe('/y/r.json');
  });
});
