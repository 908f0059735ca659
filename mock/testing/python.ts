/**
 * The Python interpreter the tests run, resolved once: `python3` on PATH may be a shim (pyenv's
 * is a bash script that costs about 0.3 s per start); the interpreter it names starts at once.
 */
import { spawn } from 'node:child_process';
import { run } from './run.ts';

let resolved: Promise<string> | undefined;

/** The path of the interpreter `python3` runs (sys.executable), or `python3` when it cannot say. */
export function python3(): Promise<string> {
  resolved ??= run('python3', ['-c', 'import sys; print(sys.executable)']).then(
    (r) => (r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : 'python3'),
    () => 'python3',
  );
  return resolved;
}

/** One long-lived Python process that answers calls of a function `cell(*args) -> str` concurrently. */
export interface PythonWorker {
  /** `cell(*args)`'s string, or `error <Type>: <message>` when it raised. */
  call(args: string[]): Promise<string>;
  /** Ends the process (closes its stdin) and waits for it. */
  close(): Promise<void>;
}

/**
 * The loop around `script` (which defines `cell`): one JSON line [id, args] in, one thread per
 * call, one JSON line [id, result] out. One interpreter start for many calls, instead of one each.
 */
const WORKER_LOOP = `
import json, sys, threading
_lock = threading.Lock()
def _answer(i, args):
    try:
        out = cell(*args)
    except BaseException as e:
        out = 'error %s: %s' % (type(e).__name__, e)
    with _lock:
        sys.stdout.write(json.dumps([i, out]) + '\\n')
        sys.stdout.flush()
for _line in sys.stdin:
    _i, _args = json.loads(_line)
    threading.Thread(target=_answer, args=(_i, _args), daemon=True).start()
`;

export async function pythonWorker(script: string): Promise<PythonWorker> {
  const child = spawn(await python3(), ['-c', `${script}\n${WORKER_LOOP}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<number, (out: string) => void>();
  let stderr = '';
  let buffered = '';
  let next = 0;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const [id, out] = JSON.parse(buffered.slice(0, nl)) as [number, string];
      buffered = buffered.slice(nl + 1);
      pending.get(id)?.(out);
      pending.delete(id);
    }
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // A worker that died answers what is still pending with its last stderr line.
  void exited.then(() => {
    for (const answer of pending.values()) answer(`error worker exited: ${stderr.trim().split('\n').pop() ?? ''}`);
    pending.clear();
  });
  child.on('error', (e) => (stderr += e.message));
  child.stdin.on('error', () => undefined); // EPIPE once it died: the close handler answers
  return {
    call: (args) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve(`error worker exited: ${stderr.trim().split('\n').pop() ?? ''}`);
          return;
        }
        const id = next++;
        pending.set(id, resolve);
        child.stdin.write(`${JSON.stringify([id, args])}\n`);
      }),
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
