/** The built-in client adapters (fixtures/clients/) and how to get an executable for each. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
  readonly clients: ClientSpec[];
  /** Removes what building them left (Go's binary and its temporary directory). */
  cleanup(): void;
}

/** Go's adapter is compiled once per run (`go build`) into a temporary directory, not per case. */
function buildGo(dir: string): Promise<{ executable: string | null; missing?: string }> {
  const out = join(dir, 'go-nethttp');
  return new Promise((resolve) => {
    const child = spawn('go', ['build', '-o', out, '.'], {
      cwd: join(CLIENTS_DIR, 'go-nethttp'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: 'off' },
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', () => resolve({ executable: null, missing: 'go is not installed (Debian: golang-go)' }));
    child.on('close', (code) =>
      resolve(
        code === 0
          ? { executable: out }
          : { executable: null, missing: `go build failed: ${text.trim().split('\n').pop()}` },
      ),
    );
  });
}

/** The named built-ins, Go's compiled in the background; call `cleanup()` when the run ends. */
export async function builtinClients(names: readonly string[]): Promise<Builtins> {
  let dir: string | undefined;
  const cleanup = (): void => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  };
  const clients = await Promise.all(
    names.map(async (name): Promise<ClientSpec> => {
      if (name === 'go-nethttp') {
        dir = mkdtempSync(join(tmpdir(), 'pmmconf-go-'));
        return { name, builtin: true, ...(await buildGo(dir)) };
      }
      const executable = join(CLIENTS_DIR, name);
      return existsSync(executable)
        ? { name, executable, builtin: true }
        : { name, executable: null, missing: `no adapter ${executable}`, builtin: true };
    }),
  );
  return { clients, cleanup };
}
