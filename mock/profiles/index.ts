/** The profiles the mock knows, by name, and their Grafana variants. */
import { pmm2 } from './pmm2.ts';
import { pmm3 } from './pmm3.ts';
import type { Profile } from './types.ts';

export const PROFILES: Readonly<Record<string, Profile>> = { pmm2, pmm3 };

/** The profile with another Grafana version (`--grafana-version`): its own, or one of its variants; undefined if unknown. */
export function withGrafanaVersion(profile: Profile, version: string): Profile | undefined {
  if (version === profile.grafana.version) return profile;
  const variant =
    profile.grafanaVariants[version] ??
    Object.values(profile.grafanaVariants).find((v) => v.grafana.version === version);
  return variant ? { ...profile, ...variant } : undefined;
}

/** The versions `--grafana-version` accepts for a profile. */
export function grafanaVersionsOf(profile: Profile): string[] {
  return [profile.grafana.version, ...Object.keys(profile.grafanaVariants)];
}

/** The profile as another PMM release of its line (`--pmm-version`): its own, or one of its variants; undefined if unknown. */
export function withPmmVersion(profile: Profile, version: string): Profile | undefined {
  if (version === profile.version.version) return profile;
  const variant = profile.pmmVariants[version];
  return variant ? { ...profile, ...variant } : undefined;
}

/** The versions `--pmm-version` accepts for a profile. */
export function pmmVersionsOf(profile: Profile): string[] {
  return [profile.version.version, ...Object.keys(profile.pmmVariants)];
}
