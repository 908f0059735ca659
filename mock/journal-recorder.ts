/**
 * Records every product request in the journal, after the response is known: what the caller
 * sent (credentials parsed once per request) and why authentication failed (`failure`).
 */
import type { Layer } from './chain.ts';
import { credentialsOf, type AppDeps, type Ctx } from './context.ts';
import { CONTROL_PREFIX } from './control.ts';
import type { JournalCredential } from './journal.ts';
import { describeKey, redactKeys } from './redact.ts';
import { listenerOf, originalUri } from './pmm/request.ts';

/**
 * Query parameters that may carry a secret (e.g. a key tried as `?api_key=`) are fingerprinted,
 * whatever their value; keys and tokens anywhere else are redacted by redactKeys (redact.ts).
 */
const SECRET_PARAM = /key|token|pass|secret|auth/i;

/** A value redactKeys already replaced (`<prefix…sha256:…>`). */
const REDACTED = /^<[^<>]*…sha256:[0-9a-f]{16}>$/;

export function redactQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0 || !SECRET_PARAM.test(pair.slice(0, eq)) || eq === pair.length - 1) return pair;
      if (REDACTED.test(pair.slice(eq + 1))) return pair;
      const d = describeKey(pair.slice(eq + 1));
      return `${pair.slice(0, eq + 1)}<${d.keyPrefix}…${d.keyFingerprint}>`;
    })
    .join('&');
}

export function journalRecorder(deps: AppDeps): Layer {
  // Issue 12: no whole key or token, nor a known secret part, anywhere in what the journal keeps.
  const known = (secret: string): boolean => deps.store.knowsSecret(secret);
  const redact = (text: string): string => redactKeys(text, known);
  // Issue 15: no async frame of its own — the entry is recorded when next() is done, in the same tick when it answered in it.
  return function recordRequest(c, next) {
    if (c.req.path === CONTROL_PREFIX || c.req.path.startsWith(`${CONTROL_PREFIX}/`)) return next();
    // Before the answer: a fault that resets the connection leaves no socket to ask afterwards.
    const listener = listenerOf(c);
    const done = next();
    if (done instanceof Promise) return done.then(() => record(c, listener));
    record(c, listener);
  };

  function record(c: Ctx, listener: ReturnType<typeof listenerOf>): void {
    const uri = originalUri(c);
    const q = uri.indexOf('?');
    // The credentials were parsed once, before any layer ran (mock/identity/credentials.ts).
    const credentials = credentialsOf(c, deps);
    const path = redact(q < 0 ? uri : uri.slice(0, q));
    const host = c.req.header('host');
    deps.journal.record({
      timeMs: deps.clock.nowMs(),
      method: c.req.method,
      path,
      query: q < 0 ? '' : redactQuery(redact(uri.slice(q + 1))),
      scheme: listener.scheme,
      port: listener.port,
      personality: deps.listenerName(listener.port),
      host: host === undefined ? null : redact(host),
      authorizations: credentials.lines,
      credential: redactLogin(credentials.journal, redact),
      failure: c.get('failure') ?? null,
      rule: c.get('rule') ?? null,
      status: c.get('severed') ? 0 : c.res.status,
      fault: c.get('fault')?.join(',') ?? null,
    });
  }
}

/** A Basic login is a user name, yet a careless client may send a key there. */
function redactLogin(credential: JournalCredential, redact: (text: string) => string): JournalCredential {
  if (credential.login === undefined) return credential;
  const login = redact(credential.login);
  return login === credential.login ? credential : { ...credential, login };
}
