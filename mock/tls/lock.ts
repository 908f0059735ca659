/** Files shared by parallel processes: a lock file (O_EXCL) so that parallel processes do not generate the same files at once. */
import { closeSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const STALE_MS = 30_000;
const WAIT_MS = 60_000;

export async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lockFile, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new Error(`cannot create lock ${lockFile}: ${(e as Error).message}`);
      try {
        // A lock left by a process that died is removed after STALE_MS.
        if (Date.now() - statSync(lockFile).mtimeMs > STALE_MS) rmSync(lockFile, { force: true });
      } catch {
        /* it went away: try again */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockFile}`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** Writes via a temporary file and rename, so that a reader never sees half a file. */
export function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}
