/** The built-in client adapters (fixtures/clients/) and how to get an executable for each. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENTS_DIR = fileURLToPath(new URL('../../fixtures/clients/', import.meta.url));

export const BUILTIN_CLIENTS = [
  'curl',
  'wget',
  'node-fetch',
  'node-https',
  'axios',
  'python-requests',
  'python-urllib',
  'go-nethttp',
] as const;

export interface ClientSpec {
  readonly name: string;
  /** The executable, or null when it cannot be had on this machine (with the reason). */
  readonly executable: string | null;
  readonly missing?: string;
  readonly builtin: boolean;
}

export interface Builtins {
  /** The clients, once Go's is built. */
  readonly clients: Promise<ClientSpec[]>;
  /**
   * Removes what building them left (Go's binary, its work directory and their temporary
   * directory), stopping a `go build` still running with its process group first.
   */
  cleanup(): Promise<void>;
  /** The same, synchronously, for the way out (`process.on('exit')`): no waiting for go. */
  cleanupSync(): void;
}

/** Go's adapter is compiled once per run (`go build`) into a temporary directory, not per case. */
function buildGo(
  dir: string,
  track: (child: ChildProcess | undefined) => void,
): Promise<{ executable: string | null; missing?: string }> {
  const out = join(dir, 'go-nethttp');
  // go's own temporary files (its $WORK) go inside our directory, so that removing it removes them.
  const work = join(dir, 'work');
  mkdirSync(work);
  return new Promise((resolve) => {
    // A process group of its own: an interrupt stops go's compile and link children with it.
    const child = spawn('go', ['build', '-o', out, '.'], {
      cwd: join(CLIENTS_DIR, 'go-nethttp'),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOTMPDIR: work },
    });
    track(child);
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', () => {
      track(undefined);
      resolve({ executable: null, missing: 'go is not installed (Debian: golang-go)' });
    });
    child.on('close', (code) => {
      track(undefined);
      resolve(
        code === 0
          ? { executable: out }
          : { executable: null, missing: `go build failed: ${text.trim().split('\n').pop()}` },
      );
    });
  });
}

/**
 * The named built-ins, Go's compiled in the background; call `cleanup()` when the run ends (also
 * while the build still runs: an interrupt).
 */
export function builtinClients(names: readonly string[]): Builtins {
  let dir: string | undefined;
  let building: ChildProcess | undefined;
  const stopBuild = (): void => {
    if (building?.pid === undefined) return;
    try {
      process.kill(-building.pid, 'SIGKILL');
    } catch {
      // gone
    }
  };
  const cleanupSync = (): void => {
    stopBuild();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  };
  const cleanup = async (): Promise<void> => {
    const child = building;
    stopBuild();
    // Wait (briefly) until go is gone: nothing of it writes into the directory after it is removed.
    if (child && child.exitCode === null && child.signalCode === null)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    cleanupSync();
  };
  const clients = Promise.all(
    names.map(async (name): Promise<ClientSpec> => {
      if (name === 'go-nethttp') {
        dir = mkdtempSync(join(tmpdir(), 'pmmconf-go-'));
        return { name, builtin: true, ...(await buildGo(dir, (c) => (building = c))) };
      }
      const executable = join(CLIENTS_DIR, name);
      return existsSync(executable)
        ? { name, executable, builtin: true }
        : { name, executable: null, missing: `no adapter ${executable}`, builtin: true };
    }),
  );
  return { clients, cleanup, cleanupSync };
}
