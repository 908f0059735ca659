/**
 * The `pmm-auth-mock` CLI as a user runs it (issue 2 §8): `node scripts/pmm-auth-mock.js` in a
 * child process, its ready line, its banner's curl commands run with the real curl binary, its
 * signals and its bad-flag errors; plus the flag parsers directly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, parseSeedKey, parseUser, UsageError } from '../mock/cli-options.ts';
import { DEFAULT_CERT_DIR } from '../mock/tls/certs.ts';
import { run } from '../mock/testing/run.ts';
import {
  httpsGet,
  PROCESS_TEST_TIMEOUT_MS,
  processOutcome,
  readyLine,
  startOutcome,
  startCli,
  startProcess,
  stopAll,
  waitForStdout,
} from './cli-process.ts';

const servers: Server[] = [];
/** Processes a test may have left running (what it checks is that they stop by themselves). */
const orphans: number[] = [];

/** Whether process `pid` ends within 5 s. */
async function gone(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 100) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

// The process tests run concurrently (each waits on its own child): what is left ends with the file.
afterAll(async () => {
  for (const pid of orphans.splice(0))
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  await stopAll();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

describe.concurrent('pmm-auth-mock --json (issue 2 §8)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'issue 2 §8: --json prints exactly one ready line, the seeded key works over HTTPS, and %s stops it with exit 0',
    async (signal) => {
      const cli = startCli(['--json', '--https-port', '0', '--http-port', '0', '--seed-key', 'demo:Admin']);
      const ready = await readyLine(cli);
      expect(Object.keys(ready)).toEqual(['ready', 'https', 'http', 'caFile', 'keys', 'pid']);
      expect(ready.pid).toBe(cli.child.pid);
      expect(ready.ready).toBe(true);
      expect(ready.https).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.https.split(':')[2]).not.toBe(ready.http!.split(':')[2]);
      expect(existsSync(ready.caFile)).toBe(true);
      expect(Object.keys(ready.keys)).toEqual(['demo']);
      const res = await httpsGet(`${ready.https}/v1/version`, readFileSync(ready.caFile, 'utf8'), {
        Authorization: `Bearer ${ready.keys.demo}`,
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).version).toBe('2.41.0');
      cli.child.kill(signal);
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(cli.out.stdout).toBe(`${JSON.stringify(ready)}\n`);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'issue 11: `npm start` stops when its npm process gets SIGTERM (the script execs the mock: no shell in between)',
    async () => {
      const npm = startProcess('npm', ['start', '--silent', '--', '--json', '--https-port', '0', '--http-port', '-1']);
      const { pid } = await readyLine(npm);
      orphans.push(pid);
      // 'exit', not 'close': a mock left running would hold npm's stdout open.
      const npmExited = new Promise((resolve) => npm.child.once('exit', resolve));
      npm.child.kill('SIGTERM');
      await npmExited;
      expect(await gone(pid), `mock PID ${pid} still running after npm stopped`).toBe(true);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'issue 11: under npm (npm_command set), the mock stops once its parent is gone (npm killed the shell between them)',
    async () => {
      const shell = startProcess(
        'sh',
        ['-c', `"${process.execPath}" scripts/pmm-auth-mock.js --json --https-port 0 --http-port -1; :`],
        { ...process.env, npm_command: 'exec' },
      );
      const { pid } = await readyLine(shell);
      orphans.push(pid);
      shell.child.kill('SIGKILL');
      expect(await gone(pid), `mock PID ${pid} still running, re-parented`).toBe(true);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'issue 2 §8: --http-port -1 turns the plain listener off ("http":null)',
    async () => {
      const cli = startCli(['--json', '--https-port', '0', '--http-port', '-1']);
      const ready = await readyLine(cli);
      expect(ready.http).toBeNull();
      expect(ready.keys).toEqual({});
      cli.child.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

describe.concurrent('bad flags (issue 2 §8: a one-line error and exit 2)', () => {
  it.each([
    ['an unknown flag', ['--nope']],
    ['a non-numeric port', ['--https-port', 'x']],
    ['--http-port below -1', ['--http-port', '-2']],
    ['--http-port=-2 (inline value)', ['--http-port=-2']],
    ['--user without a role', ['--user', 'bob:secret']],
    ['--seed-key with an unknown role', ['--seed-key', 'demo:Root']],
    [
      '--seed-key with a negative SECONDS (issue 11: the error names SECONDS, not the role)',
      ['--seed-key', 'demo:Admin:-5'],
    ],
    ['--cert without --key', ['--cert', '/tmp/none.crt']],
    ['an unknown --cert-style', ['--cert-style', 'nope']],
    ['an unknown --profile', ['--profile', 'pmm9']],
    ['the same non-zero ports', ['--https-port', '9443', '--http-port', '9443']],
    ['a positional argument', ['start']],
  ])(
    'issue 2 §8: %s → exactly one line on stderr, nothing on stdout, exit 2',
    async (_what, args) => {
      // The first as a process (its exit code); the others through what the bin runs first (cliStart).
      const { exit, stdout, stderr } = args[0] === '--nope' ? await processOutcome(args) : startOutcome(args);
      expect(exit).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^pmm-auth-mock: [^\n]+\n$/);
      if (args.includes('demo:Admin:-5'))
        expect(stderr).toContain('--seed-key "demo:Admin:-5": SECONDS must be an integer from 0 to');
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it.each(['https', 'http'] as const)(
    'issue 2 §8: the %s port already in use → a one-line error naming it, exit 2',
    async (which) => {
      const blocker = createServer();
      servers.push(blocker);
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = String((blocker.address() as AddressInfo).port);
      const cli = startCli(
        which === 'https' ? ['--https-port', port, '--http-port', '0'] : ['--https-port', '0', '--http-port', port],
      );
      expect((await cli.exited).code).toBe(2);
      expect(cli.out.stdout).toBe('');
      expect(cli.out.stderr).toMatch(
        new RegExp(`^pmm-auth-mock: [^\\n]*127\\.0\\.0\\.1:${port}[^\\n]*EADDRINUSE[^\\n]*\\n$`),
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'issue 2 §8: --help prints the usage and exits 0',
    async () => {
      const cli = startCli(['--help']);
      expect((await cli.exited).code).toBe(0);
      expect(cli.out.stdout).toMatch(/^Usage: pmm-auth-mock \[options\]/);
      expect(cli.out.stdout).toContain('--seed-key NAME:ROLE[:SECONDS]');
      expect(cli.out.stderr).toBe('');
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

describe.concurrent("the seed: the banner's two curl commands (issue 2 §8, Tests)", () => {
  it(
    'issue 2 §8: both curl commands the banner prints return 200 with the version JSON (one --cacert, one -k)',
    async () => {
      const cli = startCli(['--https-port', '0', '--http-port', '0', '--seed-key', 'demo:Admin']);
      const banner = await waitForStdout(cli, 'Ctrl-C stops the mock');
      const commands = banner
        .split('\n')
        .filter((l) => l.startsWith('  curl'))
        .map((l) => l.trim());
      expect(commands).toHaveLength(2);
      expect(commands.filter((c) => c.includes(' --cacert '))).toHaveLength(1);
      expect(commands.filter((c) => c.includes(' -k '))).toHaveLength(1);
      for (const command of commands) {
        const r = await run('sh', ['-c', `${command} -sS -w '\\n%{http_code}'`]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const cut = r.stdout.lastIndexOf('\n');
        expect(r.stdout.slice(cut + 1)).toBe('200');
        const body = JSON.parse(r.stdout.slice(0, cut)) as { version: string; server: { version: string } };
        expect(body.version).toBe('2.41.0');
        expect(body.server.version).toBe('2.41.0');
      }
      cli.child.kill('SIGINT');
      expect((await cli.exited).code).toBe(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

describe('flag parsers (issue 2 §5, §8)', () => {
  it.each([
    { value: 'bob:pa:ss:word:Viewer', expected: { login: 'bob', password: 'pa:ss:word', orgRole: 'Viewer' } },
    { value: 'eve:pw:editor', expected: { login: 'eve', password: 'pw', orgRole: 'Editor' } },
    { value: 'ann:::ADMIN', expected: { login: 'ann', password: ':', orgRole: 'Admin' } },
  ])(
    'issue 2 §5: --user $value → login before the first ":", role after the last, roles case-insensitive',
    ({ value, expected }) => {
      expect(parseUser(value)).toEqual(expected);
    },
  );

  it.each(['bob:secret', 'bob::Viewer', ':pw:Viewer', 'bob:pw:Owner', 'bob'])(
    'issue 2 §5: --user %s is a usage error',
    (value) => {
      expect(() => parseUser(value)).toThrow(UsageError);
    },
  );

  it.each([
    { value: 'demo:Admin', expected: { name: 'demo', role: 'Admin', secondsToLive: 0 } },
    { value: 'ci:editor:3600', expected: { name: 'ci', role: 'Editor', secondsToLive: 3600 } },
    { value: 'team:a:VIEWER', expected: { name: 'team:a', role: 'Viewer', secondsToLive: 0 } },
    { value: 'x:Viewer:0', expected: { name: 'x', role: 'Viewer', secondsToLive: 0 } },
  ])('issue 2 §8: --seed-key $value → $expected', ({ value, expected }) => {
    expect(parseSeedKey(value)).toEqual(expected);
  });

  it.each([
    ['demo', '--seed-key "demo": expected NAME:ROLE[:SECONDS]'],
    [':Admin', '--seed-key ":Admin": NAME is empty'],
    ['demo:Root', '--seed-key "demo:Root": role must be one of Viewer, Editor, Admin, got "Root"'],
    ['demo:Admin:-5', '--seed-key "demo:Admin:-5": SECONDS must be an integer from 0 to 2147483648, got "-5"'],
    ['demo:Admin:1.5', '--seed-key "demo:Admin:1.5": SECONDS must be an integer'],
    ['a:b:c', '--seed-key "a:b:c": role must be one of Viewer, Editor, Admin, got "c"'],
  ])('issue 2 §8, issue 11: --seed-key %s is a usage error naming the wrong part', (value, message) => {
    expect(() => parseSeedKey(value)).toThrow(message);
  });

  it('issue 11: --seed-token errors name their flag', () => {
    expect(() => parseSeedKey('demo:Admin:-5', '--seed-token')).toThrow('--seed-token "demo:Admin:-5": SECONDS');
  });

  it.each([
    [['--admin-password', '-x-secret'], { adminPassword: '-x-secret' }],
    [['--admin-password', '--json'], { adminPassword: '--json' }],
    [['--seed-key', '-dash:Admin'], { seedKeys: [{ name: '-dash', role: 'Admin', secondsToLive: 0 }] }],
  ])(
    'issue 11: the word after a flag that takes a value is its value, even when it starts with "-": %j',
    (args, check) => {
      expect(parseCli(args).mock).toMatchObject(check);
    },
  );

  it('issue 2 §8: the defaults are 127.0.0.1, HTTPS 8443, HTTP 8080, admin/admin, the mock-style certificate, TTL -1, journal 1000', () => {
    const cli = parseCli([]);
    expect(cli.json).toBe(false);
    expect(cli.help).toBe(false);
    expect(cli.mock).toMatchObject({
      host: '127.0.0.1',
      httpsPort: 8443,
      httpPort: 8080,
      adminPassword: 'admin',
      users: [],
      seedKeys: [],
      keyMaxSecondsToLive: -1,
      journalCapacity: 1000,
    });
    expect(cli.mock.profile.name).toBe('pmm2');
    expect(cli.mock.tls).toEqual({ certDir: DEFAULT_CERT_DIR, style: 'mock' });
  });

  it.each([
    { args: ['--https-port', '0', '--http-port', '0'], check: { httpsPort: 0, httpPort: 0 } },
    { args: ['--http-port', '-1'], check: { httpPort: -1 } },
    { args: ['--http-port=-1'], check: { httpPort: -1 } },
    { args: ['--cert', 'c.pem', '--key', 'k.pem'], check: { tls: { certFile: 'c.pem', keyFile: 'k.pem' } } },
    {
      args: ['--cert-style', 'pmm', '--cert-dir', '/tmp/certs'],
      check: { tls: { certDir: '/tmp/certs', style: 'pmm' } },
    },
    { args: ['--key-max-ttl', '3600'], check: { keyMaxSecondsToLive: 3600 } },
    { args: [], check: { timeouts: {} } },
    {
      args: [
        '--handshake-timeout',
        '2',
        '--header-timeout',
        '0.5',
        '--keepalive-timeout',
        '75',
        '--request-timeout=1.25',
      ],
      check: { timeouts: { handshakeMs: 2000, headerMs: 500, keepAliveMs: 75_000, requestMs: 1250 } },
    },
  ])('issue 2 §8: parseCli $args', ({ args, check }) => {
    expect(parseCli(args).mock).toMatchObject(check);
  });

  it.each([
    [['--key-max-ttl', '0']],
    [['--user', 'admin:x:Admin']],
    [['--user', 'bob:a:Viewer', '--user', 'bob:b:Editor']],
    [['--seed-key', 'a:Admin', '--seed-key', 'a:Viewer']],
    [['--cert', 'c.pem', '--key', 'k.pem', '--cert-style', 'pmm']],
    [['--https-port', '65536']],
    [['--admin-password', '']],
  ])('issue 2 §8: parseCli %j is a usage error', (args) => {
    expect(() => parseCli(args)).toThrow(UsageError);
  });

  it.each([
    [['--handshake-timeout', '0'], '--handshake-timeout must be a number of seconds from 0.001 to 86400'],
    [['--header-timeout', '-1'], '--header-timeout must be a number of seconds'],
    [['--keepalive-timeout', '1e3'], '--keepalive-timeout must be a number of seconds'],
    [['--request-timeout', '0.0001'], '--request-timeout must be a number of seconds'],
    [['--keepalive-timeout', '86401'], 'from 0.001 to 86400'],
    [['--header-timeout', '400'], '--request-timeout (300 s) must not be less than --header-timeout (400 s)'],
  ])('issue 12: parseCli %j is a usage error: %s', (args, message) => {
    expect(() => parseCli(args)).toThrow(message);
  });
});
