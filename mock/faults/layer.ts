/**
 * The fault layer (issue 13): one middleware after the journal and the control API, before the
 * credentials are parsed and nginx runs. Each fault of the active set that applies to a request
 * (mock/faults/select.ts) acts in three steps — on the request (clock, Authorization, delay), instead
 * of the answer (reset, close, empty 200, a layer's error status, redirect, refusals), or on the
 * answer (challenge, truncated or malformed body) — and the journal entry names the faults that
 * acted (`fault`).
 */
import type { Layer, Step } from '../chain.ts';
import { CLOCK_MAX_MS, CLOCK_MIN_MS } from '../clock.ts';
import type { AppDeps, Ctx } from '../context.ts';
import { replaceAnswer } from '../answer.ts';
import { authorizationLines, isGrafanaPath } from '../pmm/request.ts';
import * as fx from './effects.ts';
import { Selector, type RequestFacts } from './select.ts';
import { AuthCache, PendingMigration, Revoker, rowOfRequest } from './stateful.ts';
import type { FaultSpec } from './types.ts';

/** pmm-auth §2.4: the 2.41/3.0 cache's period, 3 s (entries live 3–6 s). */
export const AUTH_CACHE_TTL_SECONDS = 3;

interface Active {
  readonly spec: FaultSpec;
  readonly selector: Selector;
  readonly cache?: AuthCache;
  readonly revoker?: Revoker;
  readonly migration?: PendingMigration;
}

function activate(spec: FaultSpec, seed: string): Active {
  const selector = new Selector(spec, seed);
  switch (spec.name) {
    case 'auth-cache':
      return { spec, selector, cache: new AuthCache((spec.ttlSeconds ?? AUTH_CACHE_TTL_SECONDS) * 1000) };
    case 'revoke-after':
      return { spec, selector, revoker: new Revoker(spec.uses, spec.key) };
    case 'migration-pending':
      return { spec, selector, migration: new PendingMigration() };
    default:
      return { spec, selector };
  }
}

/** The faults in force: a scenario's (what `reset()` returns to) plus ad-hoc ones (`POST /__mock/faults`). */
export class FaultSet {
  private base: { specs: readonly FaultSpec[]; seed: string } = { specs: [], seed: 'faults' };
  private active: Active[] = [];

  /** Replaces every fault by a scenario's, with fresh counters and state. */
  load(specs: readonly FaultSpec[], seed: string): void {
    this.base = { specs, seed };
    this.reset();
  }

  /** Back to the scenario's faults, counters and state fresh (POST /__mock/reset). */
  reset(): void {
    this.active = this.base.specs.map((s) => activate(s, this.base.seed));
  }

  add(specs: readonly FaultSpec[]): void {
    this.active.push(...specs.map((s) => activate(s, s.seed ?? this.base.seed)));
  }

  /** Removes every fault, the scenario's too; returns how many there were. */
  clear(): number {
    const n = this.active.length;
    this.active = [];
    return n;
  }

  list(): FaultSpec[] {
    return this.active.map((a) => a.spec);
  }

  /** The faults that apply to this request, in order (each counts it when it matches). */
  select(r: RequestFacts): Active[] {
    return this.active.filter((a) => a.selector.applies(r));
  }

  get size(): number {
    return this.active.length;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function faultLayer(deps: AppDeps): Layer {
  // Without faults, requests pass straight on (issue 15: no async frame of its own for them).
  return function injectFaults(c, next) {
    return deps.faults.size === 0 ? next() : withFaults(c, next);
  };

  async function withFaults(c: Ctx, next: () => Step): Promise<Response | void> {
    const lines = authorizationLines(c);
    const hits = deps.faults.select({ method: c.req.method, path: c.req.path, hasAuthorization: lines.length > 0 });
    if (hits.length === 0) return next();
    const acted: string[] = [];
    const note = (spec: FaultSpec): void => {
      acted.push(spec.name);
      c.set('fault', acted);
    };

    // 1. On the request, as a proxy or the host would change it.
    for (const { spec } of hits) {
      if (spec.name === 'clock-jump') {
        const target = deps.clock.nowMs() + spec.seconds * 1000;
        if (target < CLOCK_MIN_MS || target > CLOCK_MAX_MS) continue;
        deps.clock.advance(spec.seconds);
        note(spec);
      } else if (spec.name === 'strip-authorization' && lines.length > 0) {
        // auth-bugs §B12: a proxy in front of PMM drops the header; the mock sees the request after it.
        c.set('authorizationOverride', []);
        note(spec);
      } else if (spec.name === 'replace-authorization') {
        // auth-bugs §B12: a proxy's `auth_basic` sends its own Basic credentials instead of the caller's.
        c.set('authorizationOverride', [fx.proxyBasic(spec.user ?? 'proxy', spec.password ?? 'proxy')]);
        note(spec);
      } else if (spec.name === 'delay') {
        await sleep(spec.ms);
        note(spec);
      }
    }

    // 2. Instead of the mock's answer.
    let cacheKey: string | null = null;
    let cacheHit = false;
    let row = undefined as ReturnType<typeof rowOfRequest>;
    for (const a of hits) {
      const { spec } = a;
      switch (spec.name) {
        case 'reset':
        case 'close':
          note(spec);
          return fx.sever(c, spec.name);
        case 'empty-200':
          note(spec);
          return fx.empty200();
        case 'status':
          note(spec);
          return fx.layerStatus(c, deps, spec.layer);
        case 'redirect-root-without-port': {
          const res = fx.redirectWithoutPort(c);
          if (!res) break;
          note(spec);
          return res;
        }
        case 'redirect': {
          const res = fx.redirectElsewhere(c, deps, spec.to, spec.status ?? 302);
          if (!res) break;
          note(spec);
          return res;
        }
        case 'migration-pending': {
          const res = a.migration!.refuse(c, deps);
          if (!res) break;
          note(spec);
          return res;
        }
        case 'revoke-after':
          row = rowOfRequest(c, deps);
          if (a.revoker!.before(row, deps)) {
            row = undefined;
            note(spec);
          }
          break;
        case 'auth-cache': {
          // pmm-auth §2.4: PMM's auth layer only; Grafana (/graph) checks every request itself.
          if (isGrafanaPath(c.req.path)) break;
          cacheKey = AuthCache.requestKey(authorizationLines(c), c.req.header('cookie'));
          const role = a.cache!.lookup(cacheKey, deps.clock.nowMs());
          if (role === undefined) break;
          cacheHit = true;
          c.set('cachedRole', role);
          note(spec);
          break;
        }
      }
    }

    await next();

    // 3. On the answer.
    for (const a of hits) {
      const { spec } = a;
      if (spec.name === 'auth-cache' && cacheKey !== null && !cacheHit) {
        const role = c.get('pmmRole');
        // pmm-auth §2.4: only successful look-ups are cached (role none included).
        if (role !== undefined) a.cache!.remember(cacheKey, role, deps.clock.nowMs());
      } else if (spec.name === 'revoke-after') a.revoker!.after(row, c.res.status);
      else if (spec.name === 'migration-pending') a.migration!.after(c, deps, c.res.status);
      else if (spec.name === 'www-authenticate') {
        const res = fx.withChallenge(c.res, spec.realm ?? 'Percona Monitoring and Management');
        if (res) {
          replaceAnswer(c, res);
          note(spec);
        }
      } else if (spec.name === 'duplicate-key-500') {
        const res = fx.duplicateKeyAs500(c, c.res);
        if (res) {
          replaceAnswer(c, res);
          note(spec);
        }
      } else if (spec.name === 'truncated-json') {
        replaceAnswer(c, await fx.truncated(c.res));
        note(spec);
      } else if (spec.name === 'malformed-json') {
        replaceAnswer(c, await fx.malformed(c.res));
        note(spec);
      }
    }
  }
}
