/**
 * Batch mode (fixtures/clients/PROTOCOL.md "Batch mode"): a built-in that declares it runs as one
 * long-lived `CLIENT --batch` process that takes its cases one at a time — one JSON line of the
 * case's variables on stdin, one result line on stdout (a single run's JSON line plus `"exit"`, the
 * exit code a single run would have), and a line holding only U+001E on stderr that ends the case's
 * stderr. The harness sends the next case only after the result, so every journal entry still
 * belongs to one case. A process is used by one case at a time (a pool per executable: the two
 * profiles of a client, or scenarios side by side, get a process each); one that times out,
 * exits or breaks the protocol is killed with its process group and replaced for the next case.
 * What it saves: the interpreter's start-up (Java's JIT, Python's and Node's imports) once per
 * process instead of once per case. A case's client objects (sessions, agents, SSL contexts) are
 * made afresh by the adapter for every case, so no connection or cookie outlives its case.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { type AdapterEnv, cleanEnv, type Ended, killGroup, running, stopping, useBatch } from './adapter.ts';

/** The stderr line that ends a case's stderr. */
const MARK = '\u001e\n';
/** After a result line, how long the end of its stderr may take to arrive. */
const STDERR_GRACE_MS = 1_000;

const problem = (message: string): Ended => ({
  code: null,
  signal: null,
  stdout: '',
  stderr: '',
  timedOut: false,
  spawnError: message,
});

class BatchProcess {
  readonly child: ChildProcess;
  dead = false;
  private exit: { code: number | null; signal: string | null } | undefined;
  private partial = '';
  private readonly lines: string[] = [];
  private stderrOpen = '';
  private readonly stderrDone: string[] = [];
  private wake: (() => void) | undefined;
  /** The first stdout line: the client's --version line (PROTOCOL.md "Batch mode"). */
  private version: string | undefined;

  constructor(executable: string) {
    this.child = spawn(executable, ['--batch'], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const pid = this.child.pid;
    if (pid !== undefined) running.add(pid);
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => {
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop() ?? '';
      if (this.version === undefined && parts.length > 0) this.version = parts.shift()!.trim();
      this.lines.push(...parts.filter((l) => l.trim() !== ''));
      this.wake?.();
    });
    this.child.stderr!.on('data', (d: string) => {
      const parts = (this.stderrOpen + d).split(MARK);
      this.stderrOpen = parts.pop() ?? '';
      this.stderrDone.push(...parts);
      this.wake?.();
    });
    this.child.stdin!.on('error', () => undefined); // EPIPE: the exit says why
    this.child.on('error', (e) => this.died({ code: null, signal: null }, e.message));
    // Once it exited, what is left of its group goes; the case ends when its pipes are closed (all
    // its stderr read), or a grace period later (a process outside the group that still holds them).
    this.child.on('exit', (code, signal) => {
      killGroup(this.child);
      setTimeout(() => this.died({ code, signal }), STDERR_GRACE_MS).unref();
    });
    this.child.on('close', (code, signal) => this.died({ code, signal }));
  }

  spawnError: string | undefined;

  private died(exit: { code: number | null; signal: string | null }, error?: string): void {
    this.exit ??= exit;
    if (error !== undefined) this.spawnError ??= error;
    this.dead = true;
    this.kill();
    this.wake?.();
  }

  kill(): void {
    this.dead = true;
    killGroup(this.child);
    if (this.child.pid !== undefined) running.delete(this.child.pid);
  }

  /** Resolves true once `ready()` holds, false after `ms`. */
  private until(ready: () => boolean, ms: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
    });
  }

  private takeStderr(): string {
    if (this.stderrDone.length > 0) return this.stderrDone.shift()!;
    const rest = this.stderrOpen;
    this.stderrOpen = '';
    return rest;
  }

  /** Waits for the version line: stdout is that line and code 0 while the process runs; else how it ended. */
  async started(timeoutMs: number): Promise<Ended> {
    if (!(await this.until(() => this.version !== undefined || this.exit !== undefined, timeoutMs))) {
      this.kill();
      return { code: null, signal: null, stdout: '', stderr: this.takeStderr(), timedOut: true };
    }
    if (this.spawnError !== undefined) return problem(this.spawnError);
    if (this.version !== undefined) return { code: 0, signal: null, stdout: this.version, stderr: '', timedOut: false };
    return { ...this.exit!, stdout: this.partial, stderr: this.stderrDone.join('') + this.stderrOpen, timedOut: false };
  }

  async run(env: AdapterEnv, timeoutMs: number): Promise<Ended> {
    const start = await this.started(timeoutMs);
    if (start.code !== 0 || start.timedOut || start.spawnError !== undefined) {
      this.kill();
      return start.spawnError !== undefined || start.timedOut
        ? start
        : {
            ...start,
            stdout: JSON.stringify({
              error: 'other',
              message: 'batch mode: the process ended before its version line',
            }),
          };
    }
    this.child.stdin!.write(`${JSON.stringify(env)}\n`);
    const answered = await this.until(() => this.lines.length > 0 || this.exit !== undefined, timeoutMs);
    if (!answered) {
      this.kill();
      return { code: null, signal: null, stdout: '', stderr: this.takeStderr(), timedOut: true };
    }
    if (this.lines.length === 0) {
      if (this.spawnError !== undefined) return problem(this.spawnError);
      const exit = this.exit!;
      return { ...exit, stdout: this.partial, stderr: this.stderrDone.join('') + this.stderrOpen, timedOut: false };
    }
    const line = this.lines.shift()!;
    await this.until(() => this.stderrDone.length > 0 || this.exit !== undefined, STDERR_GRACE_MS);
    const stderr = this.takeStderr();
    let code: unknown;
    try {
      code = (JSON.parse(line) as { exit?: unknown }).exit;
    } catch {
      code = undefined;
    }
    if (!Number.isInteger(code)) {
      // Out of step with the protocol: this process is not used again.
      this.kill();
      const message = `batch mode: a result line without an integer "exit": ${line.slice(0, 120)}`;
      return { code: 1, signal: null, stdout: JSON.stringify({ error: 'other', message }), stderr, timedOut: false };
    }
    return { code: code as number, signal: null, stdout: line, stderr, timedOut: false };
  }
}

const idle = new Map<string, BatchProcess[]>();
const everyProcess = new Set<BatchProcess>();

/** An idle process of the pool, or a new one; a string when none can be started. */
function acquire(executable: string): BatchProcess | string {
  const pool = idle.get(executable) ?? [];
  idle.set(executable, pool);
  let p = pool.pop();
  while (p?.dead) p = pool.pop();
  if (p) return p;
  try {
    p = new BatchProcess(executable);
  } catch (e) {
    return (e as Error).message;
  }
  everyProcess.add(p);
  return p;
}

function release(executable: string, p: BatchProcess): void {
  if (p.dead) everyProcess.delete(p);
  else idle.get(executable)!.push(p);
}

async function use(executable: string, work: (p: BatchProcess) => Promise<Ended>): Promise<Ended> {
  if (stopping()) return problem('the harness is stopping');
  const p = acquire(executable);
  if (typeof p === 'string') return problem(p);
  const ended = await work(p);
  release(executable, p);
  return ended;
}

/**
 * From now on `executable` (a built-in that declares batch mode) takes its cases in batch mode,
 * and its version is the first line of a batch process, which then waits in the pool for the
 * first case: one start per process, not one more for `--version`.
 */
export function batchBuiltin(executable: string): void {
  useBatch(executable, {
    run: (exe, env, timeoutMs) => use(exe, (p) => p.run(env, timeoutMs)),
    version: (exe, timeoutMs) => use(exe, (p) => p.started(timeoutMs)),
  });
}

/** Ends every batch process (stdin closed, its process group killed): at the end of a run. */
export function closeBatches(): void {
  for (const p of everyProcess) {
    p.child.stdin!.end();
    p.kill();
  }
  everyProcess.clear();
  idle.clear();
}
