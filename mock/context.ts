/** What every handler gets: the app's dependencies and per-request variables. */
import type { Context } from 'hono';
import type { Clock } from './clock.ts';
import { resolveIdentity, type Resolution } from './identity/resolve.ts';
import type { Journal } from './journal.ts';
import type { AuthRule, Profile } from './profiles/types.ts';
import type { RandomBytes } from './random.ts';
import type { Store } from './store.ts';

export interface AppDeps {
  readonly profile: Profile;
  readonly store: Store;
  readonly clock: Clock;
  readonly journal: Journal;
  readonly random: RandomBytes;
  /** grafana-auth §1.3: `[auth] api_key_max_seconds_to_live`; -1 = unlimited (the default). */
  readonly keyMaxSecondsToLive: number;
  /** The personality of the listener on a local port (null for the main listeners). */
  readonly listenerName: (port: number | null) => string | null;
}

export interface Vars {
  /** The caller's identity, resolved at most once per request. */
  resolution: Resolution;
  /** The auth-layer rule that matched, when the layer ran. */
  rule: { readonly prefix: string | null; readonly role: AuthRule[1] };
}

export type Env = { Variables: Vars };
export type Ctx = Context<Env>;

/** Resolves the caller once per request (both layers share it, as one Grafana login attempt per request). */
export function resolutionOf(c: Ctx, deps: AppDeps): Resolution {
  let r = c.get('resolution');
  if (!r) {
    r = resolveIdentity(c.req.header('authorization'), deps);
    c.set('resolution', r);
  }
  return r;
}
