/**
 * The client matrix's lanes: a lane holds one mock per profile and runs one client at a time, its
 * profiles side by side (a journal cannot tell two concurrent clients apart). The mocks are those
 * given (`--mock-url`) or started here, and how many lanes run by default.
 */
import { availableParallelism } from 'node:os';
import { connectHarnessMock, type ExternalMock } from './harness-connect.ts';
import type { HarnessMock } from './harness-mock.ts';
import { startHarnessMock } from './harness-start.ts';
import { HARNESS_PROFILES, PROFILE_NAMES, type HarnessProfile, type ProfileName } from './profiles.ts';

/** A lane: one mock per profile that runs; one client at a time. */
export type Lane = ReadonlyMap<ProfileName, HarnessMock>;

/** One lane per core, at most 4: the adapters are processes, and the machine's cores run them. */
export const DEFAULT_JOBS = Math.max(1, Math.min(4, availableParallelism()));

/** The lanes: from the given mocks (the i-th mock of each profile forms lane i), or started here. */
export async function openLanes(
  chosen: readonly HarnessProfile[] | undefined,
  mocks: readonly ExternalMock[] | undefined,
  wanted: number,
): Promise<{ lanes: Lane[]; profiles: readonly HarnessProfile[]; close(): Promise<void> }> {
  const opened: HarnessMock[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
  };
  try {
    if (mocks && mocks.length > 0) {
      const settled = await Promise.allSettled(mocks.map((m) => connectHarnessMock(m)));
      opened.push(...settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      // Without --profile, the columns are the given mocks' profiles.
      const profiles =
        chosen ??
        PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]).filter((p) => opened.some((h) => h.profile.name === p.name));
      const byProfile = profiles.map((p) => opened.filter((h) => h.profile.name === p.name));
      const none = profiles.filter((_, i) => byProfile[i]!.length === 0);
      if (none.length > 0)
        throw new Error(
          `--mock-url: no mock has profile ${none.map((p) => p.name).join(', ')} (given: ${opened.map((h) => `${h.main} ${h.profile.name}`).join(', ')}); choose --profile accordingly`,
        );
      const count = byProfile[0]!.length;
      if (byProfile.some((list) => list.length !== count))
        throw new Error(
          `--mock-url: give as many mocks of each profile (${profiles.map((p, i) => `${p.name} ${byProfile[i]!.length}`).join(', ')})`,
        );
      return {
        lanes: Array.from({ length: count }, (_, i) => new Map(profiles.map((p, j) => [p.name, byProfile[j]![i]!]))),
        profiles,
        close,
      };
    }
    const profiles = chosen ?? PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]);
    const settled = await Promise.allSettled(
      Array.from({ length: wanted }, () => profiles.map((p) => startHarnessMock(p))).flat(),
    );
    opened.push(...settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const lanes = Array.from(
      { length: wanted },
      (_, i) => new Map(profiles.map((p, j) => [p.name, opened[i * profiles.length + j]!])),
    );
    return { lanes, profiles, close };
  } catch (e) {
    await close();
    throw e;
  }
}
