/** The mock's state at start: the admin, the `--user` users, the seeded keys and tokens, a scenario's additions. */
import type { Clock } from './clock.ts';
import { issueLegacyKey } from './grafana/keys.ts';
import { issueServiceAccountToken } from './grafana/sa-tokens.ts';
import { createServiceAccount, serviceAccountNamed } from './grafana/service-accounts.ts';
import type { MockOptions } from './options.ts';
import type { RandomBytes } from './random.ts';
import { applyClockAndLogins, withScenario, type StateOptions } from './scenarios/apply.ts';
import { ORG_ID } from './rows.ts';
import { Store } from './store.ts';

/**
 * Builds the initial state: the admin user, the `--user` users, the seeded keys and tokens, saved
 * as the state `reset()` returns to (also the in-process test harness's, mock/testing/in-process.ts).
 */
export function initialStore(
  given: StateOptions & Pick<MockOptions, 'scenario'>,
  clock: Clock,
  random: RandomBytes,
): { store: Store; keys: Record<string, string>; passwords: Record<string, string> } {
  // A scenario's users, keys and tokens join the mock's own (mock/scenarios/apply.ts).
  const { opts, passwords } = given.scenario
    ? withScenario(given, given.scenario, random)
    : { opts: given, passwords: {} };
  const store = new Store();
  // grafana-auth §6.1: default admin user (Grafana server admin, org Admin).
  store.addUser(
    { login: 'admin', password: opts.adminPassword, orgRole: 'Admin', isGrafanaAdmin: true },
    clock.nowMs(),
  );
  for (const u of opts.users) store.addUser(u, clock.nowMs());
  const keys: Record<string, string> = {};
  for (const k of opts.seedKeys) {
    if (store.keyByName(ORG_ID, k.name)) throw new Error(`--seed-key ${k.name}: a key with that name already exists`);
    keys[k.name] = issueLegacyKey(
      { store, clock, random },
      { name: k.name, role: k.role, secondsToLive: k.secondsToLive ?? 0 },
      k.secretShape,
    ).key;
  }
  for (const t of opts.seedTokens ?? []) {
    if (!opts.profile.serviceAccounts)
      throw new Error(`--seed-token ${t.name}: profile ${opts.profile.name} has no service accounts`);
    if (store.keyByName(ORG_ID, t.name))
      throw new Error(`--seed-token ${t.name}: a key or token with that name already exists`);
    if (serviceAccountNamed(store, t.name))
      throw new Error(`--seed-token ${t.name}: a service account with that name already exists`);
    const sa = createServiceAccount({ store, clock }, { name: t.name, role: t.role });
    keys[t.name] = issueServiceAccountToken({ store, clock, random }, sa, {
      name: t.name,
      secondsToLive: t.secondsToLive ?? 0,
    }).key;
  }
  store.saveInitialState();
  if (given.scenario) applyClockAndLogins(given.scenario, store, clock);
  return { store, keys, passwords };
}
