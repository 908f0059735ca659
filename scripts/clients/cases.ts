/**
 * The client cases (issue 5). Each runs the client under test through its adapter against the
 * mock, then judges from the client's outcome AND what the mock saw (journal, TLS events) — never
 * from the client's word alone.
 */
import type { JournalEntry, TlsEvent } from '../../mock/journal.ts';
import { describeKey } from '../../mock/journal.ts';
import type { AdapterEnv, Outcome } from './adapter.ts';
import { describeOutcome } from './adapter.ts';

export type Verdict = 'PASS' | 'FAIL' | 'NON-STRICT' | 'UNSUPPORTED' | 'INFO';
export type Level = 'MUST' | 'SHOULD' | 'OBSERVED';

export interface Judged {
  readonly verdict: Verdict;
  readonly reason: string;
}

export interface Observed {
  readonly outcome: Outcome;
  /** Requests the mock journaled during this run, on any listener. */
  readonly requests: readonly JournalEntry[];
  readonly tls: readonly TlsEvent[];
}

export interface CaseContext {
  /** URL of a personality listener (or `main`), e.g. https://127.0.0.1:PORT */
  url(personality: string): string;
  readonly caFile: string;
  readonly keys: { readonly viewer: string; readonly admin: string; readonly expired: string; readonly tricky: string };
  readonly adminPassword: string;
  run(env: Omit<AdapterEnv, 'CASE_ID' | 'METHOD'> & { METHOD?: 'GET' | 'POST' }): Promise<Observed>;
  /** The role the mock gives a key (null when it does not authenticate). */
  roleOf(key: string): Promise<string | null>;
}

export interface ClientCase {
  readonly id: string;
  readonly level: Level;
  readonly title: string;
  judge(ctx: CaseContext): Promise<Judged>;
}

/** The common run: `Authorization: Bearer <key>`, trusting the test CA. */
function bearerOverCa(ctx: CaseContext, url: string, key: string): Promise<Observed> {
  return ctx.run({ PMM_URL: url, PMM_API_KEY: key, AUTH_MODE: 'bearer', TLS_MODE: 'ca', PMM_CA_FILE: ctx.caFile });
}

const fp = (key: string): string => describeKey(key).keyFingerprint;
const pass = (reason: string): Judged => ({ verdict: 'PASS', reason });
const fail = (reason: string): Judged => ({ verdict: 'FAIL', reason });

function unsupported(o: Outcome): Judged | undefined {
  return o.kind === 'error' && o.error === 'unsupported' ? { verdict: 'UNSUPPORTED', reason: `the client cannot express this: ${o.message}` } : undefined;
}

/** The key in the URL user info, percent-encoded as a URL requires. */
export function userinfoUrl(base: string, user: string, secret: string, path: string): string {
  const u = new URL(base);
  return `${u.protocol}//${encodeURIComponent(user)}:${encodeURIComponent(secret)}@${u.host}${path}`;
}

function credentialSeen(e: JournalEntry | undefined): string {
  if (!e) return 'no request';
  const c = e.credential;
  return `${e.authorizations} Authorization line(s), ${c.kind}${c.login ? ` user ${c.login}` : ''}${c.keyFingerprint ? ` ${c.keyFingerprint}` : ''}`;
}

const bearerExact: ClientCase = {
  id: 'client.bearer.exact',
  level: 'MUST',
  title: 'Authorization: Bearer <key> — one header, "Bearer", one space, the key exactly',
  async judge(ctx) {
    const key = ctx.keys.viewer;
    const o = await bearerOverCa(ctx, `${ctx.url('valid')}/v1/version`, key);
    const u = unsupported(o.outcome);
    if (u) return u;
    const e = o.requests[0];
    if (!e) return fail(`expected one request with Bearer <key>; the mock saw none (client: ${describeOutcome(o.outcome)})`);
    const exact = e.authorizations === 1 && e.credential.kind === 'bearer' && e.credential.keyFingerprint === fp(key);
    if (!exact) return fail(`expected exactly one "Bearer <key>"; the mock saw ${credentialSeen(e)} (key ${fp(key)})`);
    if (o.outcome.kind !== 'response' || o.outcome.status !== 200) return fail(`the mock answered 200; the client reported ${describeOutcome(o.outcome)}`);
    return pass('one Authorization line, "Bearer " + the exact key; HTTP 200 reported');
  },
};

function userinfoCase(id: string, title: string, keyOf: (ctx: CaseContext) => string, extra: (e: JournalEntry, key: string) => string | undefined): ClientCase {
  return {
    id,
    level: 'MUST',
    title,
    async judge(ctx) {
      const key = keyOf(ctx);
      const o = await ctx.run({ PMM_URL: userinfoUrl(ctx.url('valid'), 'api_key', key, '/v1/version'), PMM_API_KEY: key, AUTH_MODE: 'userinfo', TLS_MODE: 'ca', PMM_CA_FILE: ctx.caFile });
      const u = unsupported(o.outcome);
      if (u) return u;
      const first = o.requests[0];
      if (!first) return fail(`expected a request with Basic api_key:<key>; the mock saw none (client: ${describeOutcome(o.outcome)})`);
      if (first.credential.kind !== 'basic-api-key') {
        return fail(`expected a preemptive Basic api_key:<key> on the first request (PMM sends no challenge); the mock saw ${credentialSeen(first)} in ${o.requests.length} request(s)`);
      }
      const problem = extra(first, key);
      if (problem) return fail(problem);
      return pass(`the first request carried Basic api_key:<key> (${fp(key)}); client: ${describeOutcome(o.outcome)}`);
    },
  };
}

const userinfoBasic = userinfoCase('client.userinfo.basic', 'https://api_key:KEY@host → preemptive Authorization: Basic base64("api_key:" + key)', (ctx) => ctx.keys.viewer, (e, key) =>
  e.credential.keyFingerprint === fp(key) ? undefined : `expected the password to be the key ${fp(key)}; the mock saw ${e.credential.keyFingerprint}`,
);

const userinfoDecode = userinfoCase('client.userinfo.decode', 'a key with +, / and = (percent-encoded in the URL) arrives decoded in the Basic credentials', (ctx) => ctx.keys.tricky, (e, key) => {
  if (e.credential.keyFingerprint === fp(key)) return undefined;
  if (e.credential.keyFingerprint === fp(encodeURIComponent(key))) return 'the client sent the key still percent-encoded (e.g. %2B for +)';
  return `expected the decoded key ${fp(key)}; the mock saw ${e.credential.keyFingerprint}`;
});

const keyNotInUrl: ClientCase = {
  id: 'client.key.not-in-url',
  level: 'MUST',
  title: 'the key never appears in the request target or query',
  async judge(ctx) {
    const key = ctx.keys.viewer;
    const runs = [
      await bearerOverCa(ctx, `${ctx.url('valid')}/v1/version`, key),
      await ctx.run({ PMM_URL: userinfoUrl(ctx.url('valid'), 'api_key', key, '/v1/version'), PMM_API_KEY: key, AUTH_MODE: 'userinfo', TLS_MODE: 'ca', PMM_CA_FILE: ctx.caFile }),
    ];
    const entries = runs.flatMap((r) => r.requests);
    if (entries.length === 0) return fail('the mock saw no request in either mode');
    const forms = [key, encodeURIComponent(key), fp(key), fp(encodeURIComponent(key))];
    const leaked = entries.find((e) => forms.some((f) => e.path.includes(f) || e.query.includes(f)));
    if (leaked) return fail(`the key appeared in the request target: ${leaked.method} ${leaked.path}${leaked.query ? '?…' : ''}`);
    return pass(`${entries.length} request(s) seen, none with the key in the path or query`);
  },
};

function tlsRefusal(personality: string, mode: 'verify' | 'ca'): ClientCase {
  return {
    id: `client.tls.${personality}.${mode}`,
    level: 'MUST',
    title: `refuses the ${personality} certificate${mode === 'ca' ? ' even with the test CA' : ' by default'}; no HTTP request reaches the mock`,
    async judge(ctx) {
      const o = await ctx.run({ PMM_URL: `${ctx.url(personality)}/v1/version`, PMM_API_KEY: ctx.keys.viewer, AUTH_MODE: 'bearer', TLS_MODE: mode, ...(mode === 'ca' ? { PMM_CA_FILE: ctx.caFile } : {}) });
      const onPort = o.requests.filter((e) => e.personality === personality);
      if (o.outcome.kind === 'response' || onPort.length > 0) {
        return fail(`expected a refusal; the client reported ${describeOutcome(o.outcome)} and the mock saw ${onPort.length} request(s) on the ${personality} port`);
      }
      const event = o.tls.find((e) => e.personality === personality);
      const evidence = event ? `${event.event}${event.alertDescription ? ` (alert ${event.alert} ${event.alertDescription})` : event.error ? ` (${event.error})` : ''}` : 'no TLS event';
      return pass(`refused (${describeOutcome(o.outcome)}); the mock saw no request, TLS: ${evidence}`);
    },
  };
}

function tlsAccept(personality: string, mode: 'insecure' | 'ca'): ClientCase {
  return {
    id: `client.tls.${personality}.${mode}`,
    level: 'MUST',
    title: `${mode === 'insecure' ? 'with its insecure switch' : 'given the test CA'}, reaches the ${personality} certificate and authenticates`,
    async judge(ctx) {
      const o = await ctx.run({ PMM_URL: `${ctx.url(personality)}/v1/version`, PMM_API_KEY: ctx.keys.viewer, AUTH_MODE: 'bearer', TLS_MODE: mode, ...(mode === 'ca' ? { PMM_CA_FILE: ctx.caFile } : {}) });
      const u = unsupported(o.outcome);
      if (u) return u;
      const e = o.requests.find((r) => r.personality === personality);
      if (o.outcome.kind !== 'response' || o.outcome.status !== 200 || !e || e.status !== 200) {
        return fail(`expected HTTP 200 over the ${personality} certificate; the client reported ${describeOutcome(o.outcome)}, the mock saw ${e ? `a request answered ${e.status}` : 'no request'}`);
      }
      return pass('HTTP 200; the mock saw the authenticated request');
    },
  };
}

function tlsObserved(personality: string): ClientCase {
  return {
    id: `client.tls.${personality}.ca`,
    level: 'OBSERVED',
    title: `given the test CA, the outcome for the ${personality} certificate (clients legitimately differ)`,
    async judge(ctx) {
      const o = await bearerOverCa(ctx, `${ctx.url(personality)}/v1/version`, ctx.keys.viewer);
      const accepted = o.outcome.kind === 'response';
      return { verdict: 'INFO', reason: `${accepted ? 'accepted' : 'refused'}: ${describeOutcome(o.outcome)}` };
    },
  };
}

const redirectCrossHost: ClientCase = {
  id: 'client.redirect.cross-host',
  level: 'SHOULD',
  title: 'after a 302 from 127.0.0.1 to localhost, no Authorization goes to the new host',
  async judge(ctx) {
    const main = new URL(ctx.url('valid'));
    const to = `https://localhost:${main.port}/v1/version`;
    const o = await bearerOverCa(ctx, `${main.origin}/__mock/redirect?to=${encodeURIComponent(to)}`, ctx.keys.viewer);
    const u = unsupported(o.outcome);
    if (u) return u;
    const followed = o.requests.filter((e) => (e.host ?? '').startsWith('localhost:'));
    if (followed.length === 0) return pass(`did not follow the redirect (client: ${describeOutcome(o.outcome)})`);
    const carried = followed.find((e) => e.authorizations > 0);
    if (carried) return { verdict: 'NON-STRICT', reason: `followed the redirect and sent ${credentialSeen(carried)} to the new host` };
    return pass('followed the redirect without the Authorization header');
  },
};

const status401: ClientCase = {
  id: 'client.status.401',
  level: 'MUST',
  title: 'with an expired key the client reports the 401 and sends at most 2 requests',
  async judge(ctx) {
    const o = await bearerOverCa(ctx, `${ctx.url('valid')}/v1/version`, ctx.keys.expired);
    const u = unsupported(o.outcome);
    if (u) return u;
    if (o.outcome.kind !== 'response' || o.outcome.status !== 401) return fail(`expected the client to report HTTP 401; it reported ${describeOutcome(o.outcome)}`);
    if (o.requests.length > 2) return fail(`expected at most 2 requests; the mock saw ${o.requests.length}`);
    return pass(`reported 401 after ${o.requests.length} request(s)`);
  },
};

const createKey: ClientCase = {
  id: 'client.create-key',
  level: 'MUST',
  title: 'POST /graph/api/auth/keys as admin with JSON {"name","role","secondsToLive"} → 200, and the new key has the chosen role',
  async judge(ctx) {
    const name = `client-create-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const body = JSON.stringify({ name, role: 'Editor', secondsToLive: 3600 });
    let o = await ctx.run({ PMM_URL: userinfoUrl(ctx.url('valid'), 'admin', ctx.adminPassword, '/graph/api/auth/keys'), PMM_API_KEY: '', AUTH_MODE: 'userinfo', TLS_MODE: 'ca', PMM_CA_FILE: ctx.caFile, METHOD: 'POST', BODY: body });
    let via = 'admin credentials in the URL';
    if (unsupported(o.outcome)) {
      // A client that cannot use URL credentials authenticates as admin with an Admin key instead.
      o = await ctx.run({ PMM_URL: `${ctx.url('valid')}/graph/api/auth/keys`, PMM_API_KEY: ctx.keys.admin, AUTH_MODE: 'bearer', TLS_MODE: 'ca', PMM_CA_FILE: ctx.caFile, METHOD: 'POST', BODY: body });
      via = 'an Admin key (URL credentials unsupported)';
    }
    const post = o.requests.find((e) => e.method === 'POST' && e.path === '/graph/api/auth/keys');
    if (!post) return fail(`expected a POST /graph/api/auth/keys; the mock saw ${o.requests.map((e) => `${e.method} ${e.path}`).join(', ') || 'nothing'}`);
    if (post.status !== 200) return fail(`the mock answered ${post.status} (it needs application/json and a valid body); sent with ${via}`);
    if (o.outcome.kind !== 'response' || o.outcome.status !== 200) return fail(`the mock answered 200; the client reported ${describeOutcome(o.outcome)}`);
    let key: unknown;
    try {
      key = (JSON.parse(o.outcome.body) as { key?: unknown }).key;
    } catch {
      return fail(`the client's body is not the JSON the mock sent: ${o.outcome.body.slice(0, 100)}`);
    }
    if (typeof key !== 'string') return fail('the reported body has no "key"');
    const role = await ctx.roleOf(key);
    if (role !== 'Editor') return fail(`the returned key authenticates as ${role ?? 'nobody'}, expected Editor`);
    return pass(`200 with ${via}; the returned key authenticates as Editor`);
  },
};

export const CLIENT_CASES: readonly ClientCase[] = [
  bearerExact,
  userinfoBasic,
  userinfoDecode,
  keyNotInUrl,
  tlsRefusal('self-signed', 'verify'),
  tlsAccept('pmm-default', 'insecure'),
  tlsAccept('valid', 'ca'),
  tlsRefusal('expired', 'ca'),
  tlsRefusal('not-yet-valid', 'ca'),
  tlsRefusal('wrong-host', 'ca'),
  tlsRefusal('untrusted-root', 'ca'),
  tlsObserved('incomplete-chain'),
  tlsObserved('no-san'),
  tlsObserved('sha1'),
  redirectCrossHost,
  status401,
  createKey,
];
