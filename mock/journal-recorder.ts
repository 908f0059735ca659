/**
 * Records every product request in the journal, after the response is known: what the caller
 * sent (credentials parsed once per request) and why authentication failed (`failure`).
 */
import type { MiddlewareHandler } from 'hono';
import { isoTime } from './clock.ts';
import { credentialsOf, type AppDeps, type Env } from './context.ts';
import { CONTROL_PREFIX } from './control.ts';
import { describeKey } from './journal.ts';
import { listenerOf, originalUri } from './pmm/request.ts';

/** Query parameters that may carry a secret (e.g. a key tried as `?api_key=`) are fingerprinted. */
const SECRET_PARAM = /key|token|pass|secret|auth/i;

export function redactQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0 || !SECRET_PARAM.test(pair.slice(0, eq)) || eq === pair.length - 1) return pair;
      const d = describeKey(pair.slice(eq + 1));
      return `${pair.slice(0, eq + 1)}<${d.keyPrefix}…${d.keyFingerprint}>`;
    })
    .join('&');
}

export function journalRecorder(deps: AppDeps): MiddlewareHandler<Env> {
  return async function recordRequest(c, next) {
    if (c.req.path === CONTROL_PREFIX || c.req.path.startsWith(`${CONTROL_PREFIX}/`)) return next();
    await next();
    const uri = originalUri(c);
    const q = uri.indexOf('?');
    // The credentials were parsed once, before any layer ran (mock/identity/credentials.ts).
    const credentials = credentialsOf(c, deps);
    const listener = listenerOf(c);
    deps.journal.record({
      time: isoTime(deps.clock.nowMs()),
      method: c.req.method,
      path: q < 0 ? uri : uri.slice(0, q),
      query: q < 0 ? '' : redactQuery(uri.slice(q + 1)),
      ...listener,
      personality: deps.listenerName(listener.port),
      host: c.req.header('host') ?? null,
      authorizations: credentials.lines,
      credential: credentials.journal,
      failure: c.get('failure') ?? null,
      rule: c.get('rule') ?? null,
      status: c.res.status,
    });
  };
}
