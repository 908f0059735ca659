/**
 * `npm run soak`'s mock: `pmm-auth-mock --json` in a child process (its RSS is the mock's own),
 * seeded with the keys, user and token the traffic uses. Only prefixes of keys are ever shown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Credentials } from './traffic.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_MS = 30_000;
const STOP_MS = 5_000;

export interface MockProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly httpsUrl: string;
  readonly httpsPort: number;
  readonly httpPort: number;
  readonly credentials: Credentials;
}

interface Ready {
  https: string;
  http: string | null;
  keys: Record<string, string>;
  pid: number;
}

const USER = { login: 'soak-user', password: 'soak-password' };
const ADMIN = { login: 'admin', password: 'soak-admin' };
const EXPIRES_AFTER_S = 1;

export async function startMockProcess(
  profile: 'pmm2' | 'pmm3',
  nodeOptions: readonly string[],
  extraArgs: readonly string[],
): Promise<MockProcess> {
  const args = [
    ...nodeOptions,
    'scripts/pmm-auth-mock.js',
    ...['--json', '--profile', profile, '--https-port', '0', '--http-port', '0'],
    ...['--admin-password', ADMIN.password, '--user', `${USER.login}:${USER.password}:Viewer`],
    ...['--seed-key', 'soak-valid:Admin', '--seed-key', `soak-expired:Viewer:${EXPIRES_AFTER_S}`],
    ...(profile === 'pmm3' ? ['--seed-token', 'soak-token:Viewer'] : []),
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = await readReady(child);
  // The expired key must have expired before the traffic starts.
  await new Promise((resolve) => setTimeout(resolve, EXPIRES_AFTER_S * 1000 + 500));
  if (ready.http === null) throw new Error('the mock has no HTTP listener (do not pass --http-port -1)');
  return {
    child,
    pid: ready.pid,
    httpsUrl: ready.https,
    httpsPort: Number(new URL(ready.https).port),
    httpPort: Number(new URL(ready.http).port),
    credentials: {
      validKey: ready.keys['soak-valid']!,
      expiredKey: ready.keys['soak-expired']!,
      user: USER,
      admin: ADMIN,
      token: ready.keys['soak-token'] ?? null,
    },
  };
}

/** The `{"ready":true,…}` line among whatever else the mock prints (e.g. `--node-option=--trace-gc`, passed on to stderr). */
function readReady(child: ChildProcess): Promise<Ready> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the mock was not ready after ${READY_MS} ms: ${stderr.trim()}`));
    }, READY_MS);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d);
    });
    // Every other line (e.g. --trace-gc's) goes on to stderr, where the soak's own lines are not.
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const lines = stdout.split('\n');
      stdout = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('{"ready":true')) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Ready);
        } else process.stderr.write(`mock: ${line}\n`);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the mock exited (${code}) before it was ready: ${stderr.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

/** SIGTERM, then SIGKILL after STOP_MS: how long the mock took to stop on SIGTERM, or null when it had to be killed. */
export async function stopMockProcess(mock: MockProcess): Promise<number | null> {
  const { child } = mock;
  if (child.exitCode !== null || child.signalCode !== null) return 0;
  const start = Date.now();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const inTime = await Promise.race([exited.then(() => true), sleep(STOP_MS).then(() => false)]);
  if (inTime) return Date.now() - start;
  child.kill('SIGKILL');
  await exited;
  return null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
