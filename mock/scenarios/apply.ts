/**
 * A scenario's initial state applied to the mock: its users, keys and tokens join the mock's own
 * (secrets generated from the app's random source, never read from the file), then its clock and
 * failed-login counters. The runtime (`POST /__mock/scenario`, `POST /__mock/reset`) re-applies it.
 */
import type { Clock } from '../clock.ts';
import type { AppDeps } from '../context.ts';
import { randomAlphanumeric, specialCharacterPassword, type RandomBytes } from '../random.ts';
import type { MockOptions } from '../options.ts';
import type { NewUser } from '../rows.ts';
import type { Store } from '../store.ts';
import type { Scenario } from './types.ts';

/** The options the mock's initial state is built from (mock/initial-store.ts). */
export type StateOptions = Pick<MockOptions, 'adminPassword' | 'users' | 'seedKeys' | 'seedTokens' | 'profile'>;

/** The scenario's users with generated passwords, its keys and tokens, after the mock's own. */
export function withScenario(
  opts: StateOptions,
  s: Scenario,
  random: RandomBytes,
): { opts: StateOptions; passwords: Record<string, string> } {
  const passwords: Record<string, string> = {};
  const users: NewUser[] = (s.initial.users ?? []).map((u) => {
    passwords[u.login] =
      u.secretShape === 'special-characters' ? specialCharacterPassword(random) : randomAlphanumeric(random, 16);
    return { login: u.login, password: passwords[u.login]!, orgRole: u.role };
  });
  return {
    opts: {
      ...opts,
      users: [...opts.users.filter((u) => !passwords[u.login]), ...users],
      seedKeys: [...opts.seedKeys, ...(s.initial.keys ?? [])],
      seedTokens: [...(opts.seedTokens ?? []), ...(s.initial.tokens ?? [])],
    },
    passwords,
  };
}

/** The scenario's clock and failed logins (B7), on a store and a clock just built or reset. */
export function applyClockAndLogins(s: Scenario, store: Store, clock: Clock): void {
  const c = s.initial.clock;
  if (c && 'now' in c) clock.set(Date.parse(c.now));
  else if (c) clock.advance(c.advanceSeconds);
  // grafana-auth §6.1: brute-force protection counts recent failures; these are "just before" the start.
  for (const { login, count } of s.initial.failedLogins ?? [])
    for (let i = 0; i < count; i++) store.recordFailedLogin(login, clock.nowMs());
}

/** The seed of a scenario's seeded faults. */
export const faultSeed = (s: Scenario): string => s.seed ?? s.id;

/** The settings a scenario asks for, over the mock's own. */
export function applySettings(deps: Pick<AppDeps, 'settings'>, s: Scenario | null, base: AppDeps['settings']): void {
  deps.settings.keyMaxSecondsToLive = s?.initial.settings?.keyMaxSecondsToLive ?? base.keyMaxSecondsToLive;
  deps.settings.basicAuthEnabled = s?.initial.settings?.basicAuthEnabled ?? base.basicAuthEnabled;
}
