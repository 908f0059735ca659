/**
 * The Python interpreter the tests run, resolved once: `python3` on PATH may be a shim (pyenv's
 * is a bash script that costs about 0.3 s per start); the interpreter it names starts at once.
 */
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
