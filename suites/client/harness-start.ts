/**
 * The mock processes the client harness starts (`pmm-auth-mock --json --tls all`,
 * suites/_support/spawn-mock.ts), one per profile and lane, and their end: none outlives the
 * harness.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawnMock, type SpawnedMock } from '../_support/spawn-mock.ts';
import { prepare, type HarnessMock } from './harness-mock.ts';
import { mockHttp } from './mock-http.ts';
import type { HarnessProfile } from './profiles.ts';

/** The mock processes this process started and has not stopped yet, and those still starting. */
const started = new Set<SpawnedMock>();
const starting = new Set<Promise<SpawnedMock>>();
let stopped = false;

/**
 * On the way out (a signal, an uncaught error): no mock process outlives the harness. Kills the
 * mocks started, and each mock still starting as soon as it is ready (the promise waits for them,
 * at most 10 s); no mock starts afterwards.
 */
export async function stopStartedMocks(): Promise<void> {
  stopped = true;
  for (const m of started) m.child.kill('SIGKILL');
  started.clear();
  const pending = [...starting].map((p) => p.then((m) => m.child.kill('SIGKILL')).catch(() => undefined));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
  clearTimeout(timer);
}

/** Starts a mock process for the profile, serving every personality, with a random admin password. */
export async function startHarnessMock(profile: HarnessProfile): Promise<HarnessMock> {
  if (stopped) throw new Error('client harness: stopping, no mock starts');
  const adminPassword = randomBytes(9).toString('base64url');
  const spawning = spawnMock([
    '--profile',
    profile.mockProfile,
    '--tls',
    'all',
    // One argument: a base64url password may start with '-', which the CLI would take for an option.
    `--admin-password=${adminPassword}`,
    '--journal-size',
    '100000',
  ]);
  starting.add(spawning);
  let spawned: SpawnedMock;
  try {
    spawned = await spawning;
  } finally {
    starting.delete(spawning);
  }
  if (stopped) {
    spawned.child.kill('SIGKILL');
    throw new Error('client harness: stopping, no mock starts');
  }
  started.add(spawned);
  const stop = async (): Promise<void> => {
    await spawned.stop();
    started.delete(spawned);
  };
  const http = mockHttp(spawned.https, readFileSync(spawned.caFile, 'utf8'));
  try {
    return await prepare({ http, profile, adminPassword }, spawned.ready.personalities ?? {}, spawned.caFile, stop);
  } catch (e) {
    http.close();
    await stop();
    throw e;
  }
}
