/** Runs one client adapter for one case (fixtures/clients/PROTOCOL.md) and reads its outcome. */
import { spawn } from 'node:child_process';

export type Outcome =
  | { readonly kind: 'response'; readonly status: number; readonly body: string }
  | {
      readonly kind: 'error';
      readonly error: 'tls' | 'connect' | 'unsupported' | 'other';
      readonly message: string;
      readonly exitCode: number | null;
    }
  | { readonly kind: 'timeout' };

export interface AdapterEnv {
  readonly CASE_ID: string;
  readonly PMM_URL: string;
  readonly PMM_API_KEY: string;
  readonly AUTH_MODE: 'bearer' | 'userinfo';
  readonly TLS_MODE: 'verify' | 'insecure' | 'ca';
  readonly PMM_CA_FILE?: string;
  readonly METHOD: 'GET' | 'POST';
  readonly BODY?: string;
}

/** The environment without variables that would change a client's TLS trust behind its back. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of [
    'NODE_EXTRA_CA_CERTS',
    'NODE_TLS_REJECT_UNAUTHORIZED',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'CURL_CA_BUNDLE',
    'REQUESTS_CA_BUNDLE',
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
  ])
    delete env[k];
  return env;
}

const ERRORS = new Set(['tls', 'connect', 'unsupported', 'other']);

export function runAdapter(executable: string, env: AdapterEnv, timeoutMs = 10_000): Promise<Outcome> {
  return new Promise((resolve) => {
    // Its own process group, so that a timeout kills whatever the adapter started too (a shell's curl or sleep).
    const child = spawn(executable, [], {
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ kind: 'error', error: 'other', message: `cannot run ${executable}: ${e.message}`, exitCode: null });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ kind: 'timeout' });
      const line = out.trim().split('\n').pop() ?? '';
      let parsed: { status?: unknown; body?: unknown; error?: unknown; message?: unknown } | undefined;
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        parsed = undefined;
      }
      if (code === 0) {
        if (parsed && Number.isInteger(parsed.status))
          return resolve({
            kind: 'response',
            status: parsed.status as number,
            body: typeof parsed.body === 'string' ? parsed.body : '',
          });
        return resolve({
          kind: 'error',
          error: 'other',
          message: `exit 0 without a {"status",…} line: ${line.slice(0, 200)}`,
          exitCode: 0,
        });
      }
      const error =
        parsed && typeof parsed.error === 'string' && ERRORS.has(parsed.error) ? (parsed.error as 'tls') : 'other';
      const message =
        parsed && typeof parsed.message === 'string' ? parsed.message : (err.trim().split('\n').pop() ?? '');
      resolve({ kind: 'error', error, message: message.slice(0, 300), exitCode: code });
    });
  });
}

/** `<adapter> --version`: one line, or null when the client is not installed. */
export function adapterVersion(executable: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(executable, ['--version'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 && out.trim() !== '' ? out.trim().split('\n')[0]! : null);
    });
  });
}

export function describeOutcome(o: Outcome): string {
  if (o.kind === 'response') return `HTTP ${o.status}`;
  if (o.kind === 'timeout') return 'no answer within the timeout';
  return `${o.error} error${o.exitCode !== null ? ` (exit ${o.exitCode})` : ''}: ${o.message}`;
}
