/**
 * The mock's control API under `/__mock/` — not part of PMM: the request journal, the clock,
 * reset, and the route table. Not authenticated and not journaled.
 */
import { Hono } from 'hono';
import { CLOCK_MAX_MS, CLOCK_MIN_MS, CLOCK_RANGE, isoTime } from './clock.ts';
import type { AppDeps, Env } from './context.ts';
import { controlError, json } from './errors.ts';
import type { RouteSpec } from './routes.ts';

export const CONTROL_PREFIX = '/__mock';

function clockState(deps: AppDeps) {
  const ms = deps.clock.nowMs();
  return { now: isoTime(ms), unix: Math.floor(ms / 1000), offsetSeconds: deps.clock.offsetMs() / 1000 };
}

/** Parses `{"advanceSeconds":N}` or `{"now":"<ISO>"}`; a clear message otherwise. */
function parseClockChange(text: string): { advanceSeconds: number } | { nowMs: number } | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'body must be JSON: {"advanceSeconds":N} or {"now":"<ISO 8601>"}';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const { advanceSeconds, now, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `unknown field(s): ${Object.keys(rest).join(', ')}`;
  if ((advanceSeconds === undefined) === (now === undefined)) return 'give exactly one of "advanceSeconds" and "now"';
  if (advanceSeconds !== undefined) {
    if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds))
      return '"advanceSeconds" must be a finite number';
    return { advanceSeconds };
  }
  const ms = typeof now === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(now) ? Date.parse(now) : NaN;
  if (!Number.isFinite(ms)) return '"now" must be an ISO 8601 date-time, e.g. "2030-01-01T00:00:00Z"';
  return { nowMs: ms };
}

/** `?since=SEQ` of the journal listings: a non-negative integer, 0 when absent. */
function parseSince(value: string | undefined): number {
  const since = Number(value ?? 0);
  if (!Number.isInteger(since) || since < 0)
    throw controlError(400, '"since" must be a non-negative integer (a journal seq)');
  return since;
}

/** The mock's listeners, as its ready line names them (null until they listen). */
export interface ListenerUrls {
  readonly https: string;
  readonly http: string | null;
  readonly caFile: string;
  /** Certificate personality → its URL (`--tls`). */
  readonly personalities: Readonly<Record<string, string>>;
}

export function controlApi(
  deps: AppDeps,
  routes: readonly RouteSpec[],
  listeners: () => ListenerUrls | null = () => null,
  /** After a reset: the scenario's clock, failed logins and faults again (mock/scenarios/runtime.ts). */
  afterReset: () => void = () => {},
): Hono<Env> {
  const control = new Hono<Env>();

  control.get('/requests', function listRequests(c) {
    const since = parseSince(c.req.query('since'));
    return json(200, {
      total: deps.journal.total,
      capacity: deps.journal.capacity,
      requests: deps.journal.list(since),
    });
  });

  control.get('/tls', function listTlsEvents(c) {
    const since = parseSince(c.req.query('since'));
    return json(200, {
      total: deps.journal.tlsTotal,
      capacity: deps.journal.capacity,
      events: deps.journal.listTls(since),
    });
  });

  control.delete('/requests', function clearRequests() {
    return json(200, { cleared: deps.journal.clear() });
  });

  control.get('/clock', function getClock() {
    return json(200, clockState(deps));
  });

  control.post('/clock', async function setClock(c) {
    const change = parseClockChange(await c.req.text());
    if (typeof change === 'string') throw controlError(400, change);
    const target = 'advanceSeconds' in change ? deps.clock.nowMs() + change.advanceSeconds * 1000 : change.nowMs;
    // A clock outside this range would write dates Go (and JavaScript) cannot (mock/clock.ts).
    if (!(target >= CLOCK_MIN_MS && target <= CLOCK_MAX_MS))
      throw controlError(
        400,
        `the clock would read ${isoTime(target)}: it may be moved within ${CLOCK_RANGE} only (POST /__mock/reset restores it)`,
      );
    if ('advanceSeconds' in change) deps.clock.advance(change.advanceSeconds);
    else deps.clock.set(change.nowMs);
    return json(200, clockState(deps));
  });

  control.post('/reset', function reset() {
    deps.store.reset();
    deps.journal.clear();
    deps.clock.reset();
    afterReset();
    return json(200, { reset: true, clock: clockState(deps) });
  });

  // For clients under test: a 302 to another URL (e.g. another host name), to see what follows it.
  control.get('/redirect', function redirect(c) {
    const to = c.req.query('to') ?? '';
    if (!/^https?:\/\/[^/]+\//.test(to)) throw controlError(400, '"to" must be an absolute http(s) URL with a path');
    return c.redirect(to, 302);
  });

  control.get('/routes', function listRoutes() {
    return json(200, {
      profile: deps.profile.name,
      routes: routes.map(([method, path]) => ({ method, path })),
      authRules: deps.profile.rules.map(([prefix, role]) => ({ prefix, role })),
    });
  });

  // For a client harness started separately (pmm-auth-check --mock-url): where the personalities listen.
  control.get('/listeners', function listListeners() {
    const urls = listeners();
    if (!urls)
      throw controlError(503, 'the listeners are not known to this app (it was not started by mock/server.ts)');
    return json(200, urls);
  });

  control.all('*', function unknownControl(c) {
    throw controlError(404, `no control endpoint ${c.req.method} ${c.req.path}; see README "Control API"`);
  });

  return control;
}
