/** Records every product request in the journal, after the response is known. */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, Env } from './context.ts';
import { CONTROL_PREFIX } from './control.ts';
import { parseAuthorization, type Credential } from './identity/authorization.ts';
import { describeKey, type JournalCredential } from './journal.ts';
import { authorizationCount, listenerOf, originalUri } from './pmm/request.ts';

/** The journal's view of a credential: kind, login or key prefix + fingerprint; never a secret. */
export function journalCredential(cred: Credential): JournalCredential {
  switch (cred.kind) {
    case 'none':
      return { kind: 'none' };
    case 'invalidBasic':
      return { kind: 'invalid' };
    case 'basic':
      return { kind: 'basic-user', login: cred.login };
    case 'apiKey':
      return cred.via === 'bearer' ? { kind: 'bearer', ...describeKey(cred.key) } : { kind: 'basic-api-key', login: cred.login, ...describeKey(cred.key) };
  }
}

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
    const credential = c.get('resolution')?.credential ?? parseAuthorization(c.req.header('authorization'), deps.profile.pmmTokenBasicUsers);
    const listener = listenerOf(c);
    deps.journal.record({
      time: new Date(deps.clock.nowMs()).toISOString(),
      method: c.req.method,
      path: q < 0 ? uri : uri.slice(0, q),
      query: q < 0 ? '' : redactQuery(uri.slice(q + 1)),
      ...listener,
      personality: deps.listenerName(listener.port),
      host: c.req.header('host') ?? null,
      authorizations: authorizationCount(c),
      credential: journalCredential(credential),
      rule: c.get('rule') ?? null,
      status: c.res.status,
    });
  };
}
