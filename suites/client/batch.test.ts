/**
 * Batch mode (fixtures/clients/PROTOCOL.md "Batch mode", suites/client/batch.ts), in process with a
 * shell client of this test's own: the cases of one process come back one by one, each with its
 * own stderr, and the version is the first line of a process; a case that hangs, a process that dies and a line out of protocol cost that case
 * only (the process is killed with its group and the next case gets a new one); at the end no
 * batch process is left.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AdapterEnv, clientVersion, type Outcome, runAdapter } from './adapter.ts';
import { batchBuiltin, closeBatches } from './batch.ts';

const dir = mkdtempSync(join(tmpdir(), 'pmmconf-batch-'));
const client = join(dir, 'batch-client');
// Each case's CASE_ID says what to do; every answer names the case's number in this process and the pid.
writeFileSync(
  client,
  `#!/bin/sh
[ "$1" = --batch ] || exit 9
echo 'batch-client 1.0'
n=0
while IFS= read -r line; do
  n=$((n + 1))
  case "$line" in
    *hang*) sleep 30 ;;
    *die*) echo "dying in case $n" >&2; exit 7 ;;
    *garble*) echo 'not a result line'; continue ;;
    *fail*) printf 'stderr of case %s\\n\\036\\n' "$n" >&2; printf '{"error":"connect","message":"","exit":1}\\n' ;;
    *) printf 'stderr of case %s\\n\\036\\n' "$n" >&2; printf '{"status":200,"body":"case %s pid %s","exit":0}\\n' "$n" "$$" ;;
  esac
done
`,
);
chmodSync(client, 0o755);
batchBuiltin(client);

const env = (id: string): AdapterEnv => ({
  CASE_ID: id,
  PMM_URL: 'https://127.0.0.1:1/v1/version',
  PMM_API_KEY: 'not-a-key-at-all',
  AUTH_MODE: 'bearer',
  TLS_MODE: 'verify',
  METHOD: 'GET',
});
const run = (id: string, timeoutMs = 5_000): Promise<Outcome> => runAdapter(client, env(id), timeoutMs);
const pidOf = (o: Outcome): number => (o.kind === 'response' ? Number(/pid (\d+)/.exec(o.body)?.[1]) : Number.NaN);
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Whether the process is gone within a second (a killed child is reaped a little later). */
const gone = async (pid: number): Promise<boolean> => {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return !alive(pid);
};

afterAll(() => {
  closeBatches();
  rmSync(dir, { recursive: true, force: true });
});

describe('batch mode: one process, case after case', () => {
  it('answers come back per case from one process; each case has its own stderr', async () => {
    const first = await run('ok-1');
    const failed = await run('fail-2');
    const third = await run('ok-3');
    expect(first).toMatchObject({ kind: 'response', status: 200, body: expect.stringMatching(/^case 1 pid/) });
    expect(third).toMatchObject({ kind: 'response', body: expect.stringMatching(/^case 3 pid/) });
    expect(pidOf(third)).toBe(pidOf(first));
    expect(failed).toMatchObject({ kind: 'error', error: 'connect', exitCode: 1 });
    expect(failed.kind === 'error' && failed.stderr?.lines).toEqual(['stderr of case 2']);
  });

  it('a case that hangs times out alone: its process is killed, the next case runs in a new one', async () => {
    const before = pidOf(await run('ok'));
    const hung = await run('hang', 1_000);
    expect(hung.kind).toBe('timeout');
    expect(await gone(before)).toBe(true);
    const after = await run('ok');
    expect(after).toMatchObject({ kind: 'response', body: expect.stringMatching(/^case 1 pid/) });
    expect(pidOf(after)).not.toBe(before);
  });

  it('a process that exits in a case: that case reports its exit code and stderr, the next one gets a new process', async () => {
    const before = pidOf(await run('ok'));
    const died = await run('die');
    expect(died).toMatchObject({ kind: 'error', error: 'other', exitCode: 7 });
    expect(died.kind === 'error' && died.stderr?.lines[0]).toMatch(/^dying in case \d+$/);
    const after = await run('ok');
    expect(pidOf(after)).not.toBe(before);
  });

  it('a line out of protocol (no "exit") is an error of that case, and that process is not used again', async () => {
    const before = pidOf(await run('ok'));
    const garbled = await run('garble');
    expect(garbled).toMatchObject({ kind: 'error', error: 'other', exitCode: 1 });
    expect(garbled.kind === 'error' && garbled.message).toMatch(/batch mode: a result line without an integer "exit"/);
    expect(pidOf(await run('ok'))).not.toBe(before);
  });

  it('the version comes from the first line of a batch process, which then takes the first case', async () => {
    closeBatches();
    expect(await clientVersion(client)).toEqual({ version: 'batch-client 1.0' });
    const first = await run('ok');
    expect(first).toMatchObject({ kind: 'response', body: expect.stringMatching(/^case 1 pid/) });
  });

  it('closeBatches ends every batch process', async () => {
    const pid = pidOf(await run('ok'));
    expect(alive(pid)).toBe(true);
    closeBatches();
    expect(await gone(pid)).toBe(true);
  });
});
