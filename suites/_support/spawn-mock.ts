/**
 * Starts the mock as a separate process (the suites never import mock/) with `--json` and reads its
 * ready line. Used by the server suite's globalSetup and by the self-check.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MOCK_CLI = fileURLToPath(new URL('../../scripts/pmm-auth-mock.js', import.meta.url));

export interface SpawnedMock {
  readonly child: ChildProcess;
  readonly https: string;
  readonly caFile: string;
}

export async function spawnMock(args: readonly string[]): Promise<SpawnedMock> {
  const child = spawn(process.execPath, [MOCK_CLI, '--json', '--https-port', '0', '--http-port', '-1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the mock did not get ready in 30 s: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the mock exited (${code}) before it was ready: ${err}`));
    });
  });
  const ready = JSON.parse(line) as { https: string; caFile: string };
  return { child, https: ready.https, caFile: ready.caFile };
}
