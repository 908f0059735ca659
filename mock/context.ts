/** What every handler gets: the app's dependencies and per-request variables. */
import type { Context } from 'hono';
import type { Clock } from './clock.ts';
import type { Deviation } from './deviations.ts';
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
  /** Test-only deviations (mock/deviations.ts); empty for a faithful mock. */
  readonly deviations: ReadonlySet<Deviation>;
}

export interface Vars {
  /** The caller's identity, resolved at most once per request. */
  resolution: Resolution;
  /** The auth-layer rule that matched, when the layer ran. */
  rule: { readonly prefix: string | null; readonly role: AuthRule[1] };
}

export type Env = { Variables: Vars };
export type Ctx = Context<Env>;

/** The Authorization header, rewritten only by the test-only deviations that change header parsing. */
function deviatedAuthorization(c: Ctx, deps: AppDeps): string | undefined {
  const header = c.req.header('authorization');
  if (deps.deviations.has('bearer-any-case') && header && /^bearer /i.test(header)) return `Bearer ${header.slice(7)}`;
  const queryKey = c.req.query('api_key');
  if (deps.deviations.has('query-key') && !header && queryKey) return `Bearer ${queryKey}`;
  return header;
}

/** Resolves the caller once per request (both layers share it, as one Grafana login attempt per request). */
export function resolutionOf(c: Ctx, deps: AppDeps): Resolution {
  let r = c.get('resolution');
  if (!r) {
    r = resolveIdentity(deviatedAuthorization(c, deps), deps);
    c.set('resolution', r);
  }
  return r;
}
