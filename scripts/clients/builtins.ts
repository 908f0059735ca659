/** The built-in client adapters (fixtures/clients/) and how to get an executable for each. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENTS_DIR = fileURLToPath(new URL('../../fixtures/clients/', import.meta.url));

export const BUILTIN_CLIENTS = ['curl', 'wget', 'node-fetch', 'node-https', 'axios', 'python-requests', 'python-urllib', 'go-nethttp'] as const;

export interface ClientSpec {
  readonly name: string;
  /** The executable, or null when it cannot be had on this machine (with the reason). */
  readonly executable: string | null;
  readonly missing?: string;
  readonly builtin: boolean;
}

/** Go's adapter is compiled once per run (`go build`), not per case. */
function buildGo(): { executable: string | null; missing?: string } {
  const src = join(CLIENTS_DIR, 'go-nethttp');
  const out = join(mkdtempSync(join(tmpdir(), 'pmmconf-go-')), 'go-nethttp');
  const r = spawnSync('go', ['build', '-o', out, '.'], { cwd: src, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: 'off' } });
  if (r.error) return { executable: null, missing: 'go is not installed (Debian: golang-go)' };
  if (r.status !== 0) return { executable: null, missing: `go build failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  return { executable: out };
}

export function builtinClient(name: string): ClientSpec {
  if (name === 'go-nethttp') return { name, builtin: true, ...buildGo() };
  const executable = join(CLIENTS_DIR, name);
  return existsSync(executable) ? { name, executable, builtin: true } : { name, executable: null, missing: `no adapter ${executable}`, builtin: true };
}
