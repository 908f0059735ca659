/**
 * Test support: mock processes started once per test file (`pmm-auth-mock --tls all`), shared by
 * its pmm-auth-check runs through `--mock-url`, so that no run pays for starting its own.
 * `stop()` belongs in `afterAll`.
 */
import { spawnMock, type SpawnedMock } from '../_support/spawn-mock.ts';

export interface MockPool {
  /** `--mock-url …` for every mock (one lane per pmm2 + pmm3 pair) and their admin password. */
  readonly args: string[];
  /** The arguments for lane `i` only (runs side by side must not share a journal). */
  lane(i: number): string[];
  readonly mocks: readonly { readonly profile: string; readonly mock: SpawnedMock }[];
  stop(): Promise<void>;
}

const PASSWORD = 'pool-admin-pw';

export async function startMockPool(lanes = 1, profiles: readonly string[] = ['pmm2', 'pmm3']): Promise<MockPool> {
  const wanted = Array.from({ length: lanes }, () => profiles).flat();
  const settled = await Promise.allSettled(
    wanted.map((p) =>
      spawnMock(['--profile', p, '--tls', 'all', '--admin-password', PASSWORD, '--journal-size', '100000']),
    ),
  );
  const mocks = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [{ profile: wanted[i]!, mock: s.value }] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(mocks.map((m) => m.mock.stop()));
  };
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  const urls = (list: typeof mocks) => [
    ...list.flatMap((m) => ['--mock-url', m.mock.https]),
    '--mock-admin-password',
    PASSWORD,
  ];
  return {
    args: urls(mocks),
    lane: (i) => urls(mocks.slice(i * profiles.length, (i + 1) * profiles.length)),
    mocks,
    stop,
  };
}
