/**
 * Starts the mock as a separate process (the suites never import mock/) with `--json` and reads its
 * ready line. Used by the server suite's globalSetup, the self-check and the client harness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MOCK_CLI = fileURLToPath(new URL('../../scripts/pmm-auth-mock.js', import.meta.url));

/** The mock's `--json` ready line (README "Command line"). */
export interface ReadyLine {
  readonly ready: true;
  readonly https: string;
  readonly http: string | null;
  readonly caFile: string;
  readonly keys: Readonly<Record<string, string>>;
  /** With `--tls`: personality → its URL. */
  readonly personalities?: Readonly<Record<string, string>>;
  readonly selfSignedCert?: string;
}

export interface SpawnedMock {
  readonly child: ChildProcess;
  readonly https: string;
  readonly caFile: string;
  readonly ready: ReadyLine;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await exited;
  };
}

export async function spawnMock(args: readonly string[]): Promise<SpawnedMock> {
  const child = spawn(process.execPath, [MOCK_CLI, '--json', '--https-port', '0', '--http-port', '-1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = stopper(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let line: string;
  try {
    line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the mock did not get ready in 30 s: ${err}`)), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          resolve(out.slice(0, nl));
        }
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot start the mock: ${e.message}`));
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the mock exited (${code}) before it was ready: ${err}`));
      });
    });
  } catch (e) {
    // Never leave a half-started mock behind.
    await stop();
    throw e;
  }
  const ready = JSON.parse(line) as ReadyLine;
  return { child, https: ready.https, caFile: ready.caFile, ready, stop };
}
