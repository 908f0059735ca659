/**
 * Issue 3 §1, §2: the command line for certificate personalities — `pmm-auth-mock --tls` (every
 * personality on its own port, one store, the ready line) and `gen-certs` (generate, reuse, force).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CERT_DIR } from '../mock/tls/certs.ts';
import { startOutcome } from './cli-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NAMES = Object.keys(
  (
    JSON.parse(readFileSync(join(ROOT, 'fixtures/tls/personalities.json'), 'utf8')) as {
      personalities: Record<string, unknown>;
    }
  ).personalities,
);
const ADMIN = `Basic ${Buffer.from('admin:tls-cli-pw').toString('base64')}`;
const READY_TIMEOUT_MS = 30_000;
const PROCESS_TEST_TIMEOUT_MS = 60_000;

interface Proc {
  readonly child: ChildProcess;
  readonly out: { stdout: string; stderr: string };
  readonly exited: Promise<number | null>;
}

const running: Proc[] = [];
const temps: string[] = [];

// The tests run concurrently (each waits on its own child): what is left ends with the file.
afterAll(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const p = { child, out, exited };
  running.push(p);
  return p;
}

const mockCli = (args: string[]) => start(process.execPath, ['scripts/pmm-auth-mock.js', ...args]);

interface ReadyLine {
  https: string;
  caFile: string;
  personalities?: Record<string, string>;
  selfSignedCert?: string;
}

/** The first stdout line, parsed; fails with what the process printed if it exits or stays silent. */
function readyLine(p: Proc): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const cut = p.out.stdout.indexOf('\n');
      if (cut < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(p.out.stdout.slice(0, cut)) as ReadyLine);
    };
    const timer = setTimeout(
      () => reject(new Error(`no ready line; stdout=${p.out.stdout} stderr=${p.out.stderr}`)),
      READY_TIMEOUT_MS,
    );
    p.child.stdout!.on('data', check);
    void p.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before a ready line; stdout=${p.out.stdout} stderr=${p.out.stderr}`));
    });
  });
}

/** An HTTPS request trusting `ca`, or with verification off when `ca` is null. */
function httpsCall(
  url: string,
  ca: string | null,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  const trust = ca === null ? { rejectUnauthorized: false } : { ca: readFileSync(ca, 'utf8') };
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false, ...trust },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const TLS_ALL = ['--tls', 'all', '--json', '--https-port', '0', '--http-port', '0', '--admin-password', 'tls-cli-pw'];

describe.concurrent('pmm-auth-mock --tls (issue 3 §2)', () => {
  // One `--tls all` mock serves the tests that only ask it something; the first test stops its own.
  let shared: Promise<ReadyLine>;
  beforeAll(() => {
    shared = readyLine(mockCli(TLS_ALL));
    shared.catch(() => undefined); // each test that awaits it fails with the reason
  });

  it(
    'issue 3 §2: --tls all --json prints one ready line with every personality of personalities.json at https://127.0.0.1:PORT, each on its own port',
    async () => {
      const cli = mockCli(TLS_ALL);
      const ready = await readyLine(cli);
      expect(Object.keys(ready.personalities ?? {}).sort()).toEqual([...NAMES].sort());
      const urls = Object.values(ready.personalities ?? {});
      for (const url of urls) expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(new Set([ready.https, ...urls]).size).toBe(urls.length + 1);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(cli.out.stdout).toBe(`${JSON.stringify(ready)}\n`);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'issue 3 §2: with --tls, caFile is the test root CA, and it verifies the main port, which serves "valid"',
    async () => {
      const ready = await shared;
      expect(ready.caFile).toBe(join(DEFAULT_CERT_DIR, 'personalities', 'root-ca.crt'));
      expect(readFileSync(ready.caFile, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
      expect((await httpsCall(`${ready.https}/v1/readyz`, ready.caFile)).status).toBe(200);
      expect((await httpsCall(`${ready.personalities!.valid}/v1/readyz`, ready.caFile)).status).toBe(200);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "issue 3 §2: selfSignedCert is the self-signed personality's own certificate, and trusting it reaches that port",
    async () => {
      const ready = await shared;
      expect(ready.selfSignedCert).toBe(join(DEFAULT_CERT_DIR, 'personalities', 'self-signed.crt'));
      expect((await httpsCall(`${ready.personalities!['self-signed']}/v1/readyz`, ready.selfSignedCert!)).status).toBe(
        200,
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'issue 3 §2: one store — a key created through the valid personality works through every other personality, an unknown key does not',
    async () => {
      const ready = await shared;
      const created = await httpsCall(`${ready.personalities!.valid}/graph/api/auth/keys`, ready.caFile, {
        method: 'POST',
        headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'shared', role: 'Admin' }),
      });
      expect(created.status, created.text).toBe(200);
      const { key } = JSON.parse(created.text) as { key: string };
      for (const name of NAMES.filter((n) => n !== 'valid')) {
        const url = `${ready.personalities![name]}/v1/version`;
        expect((await httpsCall(url, null, { headers: { Authorization: `Bearer ${key}` } })).status, name).toBe(200);
        expect((await httpsCall(url, null, { headers: { Authorization: `Bearer ${key}x` } })).status, name).toBe(401);
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'issue 3 §2: --tls valid,expired serves exactly those two personalities (and no selfSignedCert)',
    async () => {
      const ready = await readyLine(
        mockCli(['--tls', 'valid,expired', '--json', '--https-port', '0', '--http-port', '0']),
      );
      expect(Object.keys(ready.personalities ?? {}).sort()).toEqual(['expired', 'valid']);
      expect(ready.selfSignedCert).toBeUndefined();
      expect((await httpsCall(`${ready.personalities!.expired}/v1/readyz`, null)).status).toBe(200);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it.each([
    ['an unknown personality', ['--tls', 'nope']],
    ['--tls with --cert-style pmm', ['--tls', 'all', '--cert-style', 'pmm']],
  ])(
    'issue 3 §2: %s → exactly one line on stderr, nothing on stdout, exit 2',
    async (_what, args) => {
      // Usage errors without a process (cliStart; scripts/cli.test.ts runs one as a process).
      const { exit, stdout, stderr } = startOutcome([...args, '--json', '--https-port', '0', '--http-port', '0']);
      expect(exit).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^pmm-auth-mock: [^\n]+\n$/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

describe.concurrent('gen-certs (issue 3 §1)', () => {
  // `npm run gen-certs` is `tsx scripts/gen-certs.ts`: the same, without npx's own start.
  const genCerts = async (args: string[]) => {
    const p = start(process.execPath, ['--import', 'tsx', 'scripts/gen-certs.ts', ...args]);
    return { code: await p.exited, ...p.out };
  };

  it(
    'issue 3 §1: gen-certs --cert-dir DIR generates, a second run reuses, --force generates again',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pmm-auth-gen-certs-'));
      temps.push(dir);
      const verb = (stdout: string) => /^gen-certs: (\w+) (\d+) personalities in (\S+) /.exec(stdout)?.slice(1);
      const first = await genCerts(['--cert-dir', dir]);
      expect(first.code, first.stderr).toBe(0);
      expect(verb(first.stdout)).toEqual(['generated', String(NAMES.length), join(dir, 'personalities')]);
      expect(first.stdout).toContain(join(dir, 'personalities', 'root-ca.crt'));
      const second = await genCerts(['--cert-dir', dir]);
      expect(verb(second.stdout)?.[0]).toBe('reused');
      const forced = await genCerts(['--cert-dir', dir, '--force']);
      expect(verb(forced.stdout)?.[0]).toBe('generated');
      expect([second.code, forced.code]).toEqual([0, 0]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'issue 3 §1: gen-certs --bogus → one line on stderr, exit 2',
    async () => {
      const r = await genCerts(['--bogus']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^gen-certs: [^\n]+\n$/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
