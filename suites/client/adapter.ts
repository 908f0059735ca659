/**
 * Runs one client adapter for one case (fixtures/clients/PROTOCOL.md) and reads its outcome; asks
 * a client for its `--version`. Every client process runs in a process group of its own, and the
 * whole group is killed when the client exits (what it left running), times out, or the harness
 * is interrupted (`killRunningClients`).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type Outcome =
  | { readonly kind: 'response'; readonly status: number; readonly body: string }
  | {
      readonly kind: 'error';
      readonly error: 'tls' | 'connect' | 'unsupported' | 'other';
      /** The client's own `message` (its JSON line), or '' when it printed none. */
      readonly message: string;
      readonly exitCode: number | null;
      /** The signal that ended it, when one did. */
      readonly signal?: string | null;
      /** Its first few stderr lines, keys and passwords redacted (shown when it printed no message). */
      readonly stderr?: Stderr;
    }
  | { readonly kind: 'timeout'; readonly stderr?: Stderr };

/** The first few non-empty lines a client wrote on stderr, and how many more there were. */
export interface Stderr {
  readonly lines: readonly string[];
  readonly more: number;
}

export interface AdapterEnv {
  readonly CASE_ID: string;
  readonly PMM_URL: string;
  readonly PMM_API_KEY: string;
  readonly AUTH_MODE: 'bearer' | 'userinfo';
  readonly TLS_MODE: 'verify' | 'insecure' | 'ca';
  readonly PMM_CA_FILE?: string;
  readonly METHOD: 'GET' | 'POST';
  readonly BODY?: string;
  /** How many times the program would make the request in production (PROTOCOL.md; "1" in the matrix). */
  readonly REPEAT?: string;
  /** The scenario being run (`pmm-auth-check scenarios` only). */
  readonly SCENARIO_ID?: string;
}

/** How long a case and a `--version` may take. */
export const CASE_TIMEOUT_MS = 10_000;
export const VERSION_TIMEOUT_MS = 10_000;
/** At most this many stderr lines go into a reason. */
const STDERR_LINES = 3;
/** After the client exited and its group was killed, how long its pipes may stay open (a process that left the group). */
const CLOSE_GRACE_MS = 1_000;

/** The environment without variables that would change a client's TLS trust behind its back. */
export function cleanEnv(): NodeJS.ProcessEnv {
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

/** The process groups of the clients running now (their leaders' pids), batch processes included. */
export const running = new Set<number>();
/** Set by killRunningClients: the harness is stopping, and no client starts any more. */
let closed = false;
/** Whether the harness is stopping (killRunningClients was called). */
export const stopping = (): boolean => closed;

export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** On interrupt: every client still running is killed with its process group, and none starts afterwards. */
export function killRunningClients(): void {
  closed = true;
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  running.clear();
}

export interface Ended {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** The spawn failed (e.g. ENOENT, EACCES, ENOEXEC). */
  readonly spawnError?: string;
}

/**
 * Runs `executable args` in a process group of its own and resolves when it ended: on exit (the
 * group is then killed, so nothing it started outlives it) or on timeout (the group killed). Never
 * waits more than CLOSE_GRACE_MS for pipes a process outside the group still holds.
 */
function runGroup(executable: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Ended> {
  return new Promise((resolve) => {
    if (closed) {
      resolve({
        code: null,
        signal: null,
        stdout: '',
        stderr: '',
        timedOut: false,
        spawnError: 'the harness is stopping',
      });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(executable, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (e) {
      resolve({ code: null, signal: null, stdout: '', stderr: '', timedOut: false, spawnError: (e as Error).message });
      return;
    }
    if (child.pid !== undefined) running.add(child.pid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let grace: NodeJS.Timeout | undefined;
    const finish = (spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      if (child.pid !== undefined) running.delete(child.pid);
      child.stdout!.destroy();
      child.stderr!.destroy();
      resolve({ ...exit, stdout, stderr, timedOut, ...(spawnError !== undefined ? { spawnError } : {}) });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
      grace = setTimeout(() => finish(), CLOSE_GRACE_MS);
    }, timeoutMs);
    child.on('error', (e) => finish(e.message));
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the client left running in its group goes with it.
      killGroup(child);
      clearTimeout(grace);
      grace = setTimeout(() => finish(), CLOSE_GRACE_MS);
    });
    child.on('close', () => finish());
  });
}

/** The secrets of a run: the key (raw and percent-encoded) and the URL's password. */
function secretsOf(env: Partial<AdapterEnv>): [string, string][] {
  const found: [string, string][] = [];
  const key = env.PMM_API_KEY ?? '';
  if (key.length >= 4) found.push([key, '<key>'], [encodeURIComponent(key), '<key>']);
  try {
    const password = new URL(env.PMM_URL ?? '').password;
    if (password.length >= 4) {
      const decoded = decodeURIComponent(password);
      found.push([password, decoded === key ? '<key>' : '<password>']);
      found.push([decoded, decoded === key ? '<key>' : '<password>']);
    }
  } catch {
    // not a URL: nothing to hide there
  }
  // Longest first, so that an encoded form is replaced whole.
  return found.sort((a, b) => b[0].length - a[0].length);
}

export function redact(text: string, env: Partial<AdapterEnv>): string {
  return secretsOf(env).reduce((t, [secret, mark]) => t.split(secret).join(mark), text);
}

/** The first few non-empty stderr lines, redacted and shortened, and how many more there were. */
function stderrOf(stderr: string, env: Partial<AdapterEnv>): Stderr | undefined {
  const lines = redact(stderr, env)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return undefined;
  return {
    lines: lines.slice(0, STDERR_LINES).map((l) => (l.length > 160 ? `${l.slice(0, 157)}…` : l)),
    more: Math.max(0, lines.length - STDERR_LINES),
  };
}

const ERRORS = new Set(['tls', 'connect', 'unsupported', 'other']);

/** How built-ins take their cases through `--batch` (PROTOCOL.md "Batch mode"): suites/client/batch.ts. */
export interface BatchRunner {
  run(executable: string, env: AdapterEnv, timeoutMs: number): Promise<Ended>;
  /** How a batch process started: its first line (the --version line) as stdout, code 0 while it runs. */
  version(executable: string, timeoutMs: number): Promise<Ended>;
}
const batched = new Map<string, BatchRunner>();
export function useBatch(executable: string, runner: BatchRunner): void {
  batched.set(executable, runner);
}

export async function runAdapter(executable: string, env: AdapterEnv, timeoutMs = CASE_TIMEOUT_MS): Promise<Outcome> {
  const batch = batched.get(executable);
  const ended = batch
    ? await batch.run(executable, env, timeoutMs)
    : await runGroup(executable, [], { ...cleanEnv(), ...env }, timeoutMs);
  return outcomeOf(executable, ended, env);
}

/** A run's outcome from how it ended: its JSON line on stdout (PROTOCOL.md), exit code and stderr. */
function outcomeOf(executable: string, ended: Ended, env: AdapterEnv): Outcome {
  const stderr = stderrOf(ended.stderr, env);
  const withStderr = stderr ? { stderr } : {};
  if (ended.spawnError !== undefined)
    return { kind: 'error', error: 'other', message: `cannot run ${executable}: ${ended.spawnError}`, exitCode: null };
  if (ended.timedOut) return { kind: 'timeout', ...withStderr };
  const line = ended.stdout.trim().split('\n').pop() ?? '';
  let parsed: { status?: unknown; body?: unknown; error?: unknown; message?: unknown } | undefined;
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (ended.code === 0) {
    if (parsed && Number.isInteger(parsed.status))
      return {
        kind: 'response',
        status: parsed.status as number,
        body: typeof parsed.body === 'string' ? parsed.body : '',
      };
    return {
      kind: 'error',
      error: 'other',
      message: `exit 0 without a {"status",…} line: ${redact(line, env).slice(0, 200)}`,
      exitCode: 0,
      ...withStderr,
    };
  }
  const error =
    parsed && typeof parsed.error === 'string' && ERRORS.has(parsed.error) ? (parsed.error as 'tls') : 'other';
  const message = parsed && typeof parsed.message === 'string' ? redact(parsed.message, env).slice(0, 300) : '';
  return { kind: 'error', error, message, exitCode: ended.code, signal: ended.signal, ...withStderr };
}

export type VersionAnswer = { readonly version: string } | { readonly problem: string };

/**
 * `<client> --version` (fixtures/clients/PROTOCOL.md): its first line, or what is wrong — it
 * cannot be started, exits non-zero, prints nothing, or gives no answer in time (then it is killed
 * with its process group: nothing it started holds the harness).
 */
export async function clientVersion(executable: string, timeoutMs = VERSION_TIMEOUT_MS): Promise<VersionAnswer> {
  const batch = batched.get(executable);
  const ended = batch
    ? await batch.version(executable, timeoutMs)
    : await runGroup(executable, ['--version'], cleanEnv(), timeoutMs);
  const command = `"${executable} ${batch ? '--batch' : '--version'}"`;
  if (ended.spawnError !== undefined) return { problem: `cannot run ${command}: ${ended.spawnError}` };
  if (ended.timedOut)
    return { problem: `${command} gave no answer within ${timeoutMs / 1000} s (stopped with its process group)` };
  const said = ended.stderr.trim().split('\n')[0]?.trim().slice(0, 160) ?? '';
  if (ended.code !== 0)
    return {
      problem: `${command} ${ended.signal ? `was killed by ${ended.signal}` : `exited ${ended.code}`}${said ? `: ${said}` : ''}`,
    };
  const version = ended.stdout.trim().split('\n')[0]?.trim() ?? '';
  if (version === '') return { problem: `${command} exited 0 but printed nothing (it must print one line)` };
  return { version };
}

/** What the client said: its outcome, exit code, error kind, and its message or first stderr lines. */
export function describeOutcome(o: Outcome): string {
  if (o.kind === 'response') return `HTTP ${o.status}`;
  const stderr = o.stderr
    ? `stderr: ${o.stderr.lines.map((l) => `"${l}"`).join(' / ')}${o.stderr.more > 0 ? ` (+${o.stderr.more} more)` : ''}`
    : '';
  if (o.kind === 'timeout') return `no answer within the timeout${stderr ? `; ${stderr}` : ''}`;
  const how = o.signal ? ` (killed by ${o.signal})` : o.exitCode !== null ? ` (exit ${o.exitCode})` : '';
  const said = o.message !== '' ? o.message : stderr !== '' ? stderr : 'no message, nothing on stderr';
  return `${o.error} error${how}: ${said}`;
}
