/**
 * The client cases (issues 5 and 6). Each runs the client under test through its adapter against
 * a profile's mock, then judges from the client's outcome AND what the mock saw (journal, TLS
 * events) — never from the client's word alone. What differs between PMM 2 and PMM 3 comes from
 * the context's profile row (suites/client/profiles.ts).
 */
import { describeOutcome } from './adapter.ts';
import {
  bearerOverCa,
  credentialSeen,
  fail,
  fp,
  pass,
  seen,
  shown,
  unsupported,
  userinfoUrl,
  type CaseContext,
  type ClientCase,
  type Observed,
} from './case-kit.ts';
import { FAULT_CASES } from './cases-faults.ts';
import { tlsAccept, tlsObserved, tlsRefusal } from './cases-tls.ts';
import type { JournalEntry } from './journal.ts';

export type { CaseContext, ClientCase, Judged, Level, Observed, Verdict } from './case-kit.ts';
export { userinfoUrl } from './case-kit.ts';

const bearerExact: ClientCase = {
  id: 'client.bearer.exact',
  level: 'MUST',
  title: 'Authorization: Bearer <key> — one header, "Bearer", one space, the key exactly',
  async judge(ctx) {
    const key = ctx.keys.viewer;
    const o = await bearerOverCa(ctx, `${ctx.url('valid')}${ctx.profile.versionPath}`, key);
    const u = unsupported(o.outcome);
    if (u) return u;
    const e = o.requests[0];
    if (!e) return fail(`expected one request with Bearer <key>; none arrived — ${seen(o)}`);
    const exact = e.authorizations === 1 && e.credential.kind === 'bearer' && e.credential.keyFingerprint === fp(key);
    if (!exact) return fail(`expected exactly one "Bearer <key>" (${shown(key)}); the mock saw ${credentialSeen(e)}`);
    if (o.outcome.kind !== 'response' || o.outcome.status !== 200)
      return fail(`the mock answered 200; the client reported ${describeOutcome(o.outcome)}`);
    return pass(`one Authorization line, "Bearer " + the exact key (${shown(key)}); HTTP 200 reported`);
  },
};

/** Runs the key as `https://USER:KEY@host/…` (pmm-auth §3.4) and checks the first request's Basic credentials. */
function userinfoRun(ctx: CaseContext, user: string, key: string): Promise<Observed> {
  return ctx.run({
    PMM_URL: userinfoUrl(ctx.url('valid'), user, key, ctx.profile.versionPath),
    PMM_API_KEY: key,
    AUTH_MODE: 'userinfo',
    TLS_MODE: 'ca',
    PMM_CA_FILE: ctx.caFile,
  });
}

interface UserinfoSpec {
  readonly id: string;
  readonly title: string;
  readonly credential: (ctx: CaseContext) => { readonly user: string; readonly key: string; readonly note?: string };
  readonly wrongKey: (e: JournalEntry, key: string) => string;
}

function userinfoCase(spec: UserinfoSpec): ClientCase {
  return {
    id: spec.id,
    level: 'MUST',
    title: spec.title,
    async judge(ctx) {
      const { user, key, note } = spec.credential(ctx);
      const o = await userinfoRun(ctx, user, key);
      const u = unsupported(o.outcome);
      if (u) return u;
      const first = o.requests[0];
      if (!first) return fail(`expected a request with Basic ${user}:<key>; none arrived — ${seen(o)}`);
      if (first.credential.kind !== 'basic-api-key') {
        return fail(
          `expected a preemptive Basic ${user}:<key> on the first request (PMM sends no challenge); the mock saw ${credentialSeen(first)} in ${o.requests.length} request(s)`,
        );
      }
      if (first.credential.login !== undefined && first.credential.login !== user)
        return fail(`expected the user name of the URL, ${user}; the mock saw ${first.credential.login}`);
      if (first.credential.keyFingerprint !== fp(key)) return fail(spec.wrongKey(first, key));
      return pass(
        `the first request carried Basic ${user}:<key> (${shown(key)})${note ? ` — ${note}` : ''}; client: ${describeOutcome(o.outcome)}`,
      );
    },
  };
}

const userinfoBasic = userinfoCase({
  id: 'client.userinfo.basic',
  title:
    'https://USER:KEY@host (USER is the profile\'s: api_key, or service_token on PMM 3) → preemptive Authorization: Basic base64(USER + ":" + key)',
  credential: (ctx) => ({ user: ctx.profile.basicUser, key: ctx.keys.viewer }),
  wrongKey: (e, key) =>
    `expected the password to be the key ${shown(key)}; the mock saw ${e.credential.keyPrefix ?? ''}… ${e.credential.keyFingerprint}`,
});

const userinfoDecode = userinfoCase({
  id: 'client.userinfo.decode',
  title: 'a legacy key with +, / and = (percent-encoded in the URL) arrives decoded in the Basic credentials',
  credential: (ctx) => ({
    user: ctx.profile.tricky.basicUser,
    key: ctx.keys.tricky,
    note: `a legacy key: ${ctx.profile.tricky.why}`,
  }),
  wrongKey: (e, key) =>
    e.credential.keyFingerprint === fp(encodeURIComponent(key))
      ? 'the client sent the key still percent-encoded (e.g. %2B for +)'
      : `expected the decoded key ${shown(key)}; the mock saw ${e.credential.keyFingerprint}`,
});

const keyNotInUrl: ClientCase = {
  id: 'client.key.not-in-url',
  level: 'MUST',
  title: 'the key never appears in the request target or query',
  async judge(ctx) {
    const key = ctx.keys.viewer;
    const runs = [
      await bearerOverCa(ctx, `${ctx.url('valid')}${ctx.profile.versionPath}`, key),
      await userinfoRun(ctx, ctx.profile.basicUser, key),
    ];
    const entries = runs.flatMap((r) => r.requests);
    if (entries.length === 0)
      return fail(`the mock saw no request in either mode — bearer: ${seen(runs[0]!)}; userinfo: ${seen(runs[1]!)}`);
    const forms = [key, encodeURIComponent(key), fp(key), fp(encodeURIComponent(key))];
    const leaked = entries.find((e) => forms.some((f) => e.path.includes(f) || e.query.includes(f)));
    if (leaked)
      return fail(`the key appeared in the request target: ${leaked.method} ${leaked.path}${leaked.query ? '?…' : ''}`);
    return pass(`${entries.length} request(s) seen, none with the key in the path or query`);
  },
};

const redirectCrossHost: ClientCase = {
  id: 'client.redirect.cross-host',
  level: 'SHOULD',
  title: 'after a 302 from 127.0.0.1 to localhost, no Authorization goes to the new host',
  async judge(ctx) {
    const main = new URL(ctx.url('valid'));
    const to = `https://localhost:${main.port}${ctx.profile.versionPath}`;
    const o = await bearerOverCa(ctx, `${main.origin}/__mock/redirect?to=${encodeURIComponent(to)}`, ctx.keys.viewer);
    const u = unsupported(o.outcome);
    if (u) return u;
    const followed = o.requests.filter((e) => (e.host ?? '').startsWith('localhost:'));
    if (followed.length === 0) return pass(`did not follow the redirect (client: ${describeOutcome(o.outcome)})`);
    const carried = followed.find((e) => e.authorizations > 0);
    if (carried)
      return {
        verdict: 'NON-STRICT',
        reason: `followed the redirect and sent ${credentialSeen(carried)} to the new host`,
      };
    return pass('followed the redirect without the Authorization header');
  },
};

const status401: ClientCase = {
  id: 'client.status.401',
  level: 'MUST',
  title: 'with an expired key the client reports the 401 and sends at most 2 requests',
  async judge(ctx) {
    const o = await bearerOverCa(ctx, `${ctx.url('valid')}${ctx.profile.versionPath}`, ctx.keys.expired);
    const u = unsupported(o.outcome);
    if (u) return u;
    if (o.outcome.kind !== 'response' || o.outcome.status !== 401)
      return fail(`expected the client to report HTTP 401 — ${seen(o)}`);
    if (o.requests.length > 2) return fail(`expected at most 2 requests; the mock saw ${o.requests.length}`);
    return pass(`reported 401 for the expired key (${shown(ctx.keys.expired)}) after ${o.requests.length} request(s)`);
  },
};

/** One JSON POST as admin: admin credentials in the URL, or an Admin key when the client cannot use URL credentials. */
async function postAsAdmin(ctx: CaseContext, path: string, body: string, viaKey: boolean): Promise<Observed> {
  const env = { TLS_MODE: 'ca', PMM_CA_FILE: ctx.caFile, METHOD: 'POST', BODY: body } as const;
  if (viaKey)
    return ctx.run({ ...env, PMM_URL: `${ctx.url('valid')}${path}`, PMM_API_KEY: ctx.keys.admin, AUTH_MODE: 'bearer' });
  return ctx.run({
    ...env,
    PMM_URL: userinfoUrl(ctx.url('valid'), 'admin', ctx.adminPassword, path),
    PMM_API_KEY: '',
    AUTH_MODE: 'userinfo',
  });
}

const createKey: ClientCase = {
  id: 'client.create-key',
  level: 'MUST',
  title:
    "as admin, JSON POSTs create an Editor key (the profile's recipe: an API key, or a service account and its token) → success, and the new key has that role",
  async judge(ctx) {
    const name = `client-create-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const { role, steps } = ctx.profile.create;
    let viaKey = false;
    let id = '';
    let key: unknown;
    for (const step of steps) {
      const path = step.path.replace('{id}', id);
      const body = JSON.stringify(
        Object.fromEntries(Object.entries(step.body).map(([k, v]) => [k, v === '{name}' ? name : v])),
      );
      let o = await postAsAdmin(ctx, path, body, viaKey);
      // A client that cannot use URL credentials authenticates as admin with an Admin key instead.
      if (!viaKey && unsupported(o.outcome)) o = await postAsAdmin(ctx, path, body, (viaKey = true));
      const via = viaKey ? 'an Admin key (URL credentials unsupported)' : 'admin credentials in the URL';
      const post = o.requests.find((e) => e.method === 'POST' && e.path === path);
      if (!post) return fail(`expected a POST ${path}, sent with ${via}; none arrived — ${seen(o)}`);
      if (post.status !== step.status)
        return fail(
          `POST ${path}: the mock answered ${post.status}, not ${step.status} (${post.status === 401 ? `it saw ${credentialSeen(post)}` : 'it needs application/json and a valid body'}); sent with ${via}`,
        );
      if (o.outcome.kind !== 'response' || o.outcome.status !== step.status)
        return fail(
          `POST ${path}: the mock answered ${step.status}; the client reported ${describeOutcome(o.outcome)}`,
        );
      let value: unknown;
      try {
        value = (JSON.parse(o.outcome.body) as Record<string, unknown>)[step.take];
      } catch {
        return fail(`POST ${path}: the client's body is not the JSON the mock sent: ${o.outcome.body.slice(0, 100)}`);
      }
      if (step.take === 'id') {
        if (typeof value !== 'number') return fail(`POST ${path}: the reported body has no numeric "id"`);
        id = String(value);
      } else key = value;
    }
    if (typeof key !== 'string') return fail('the reported body has no "key"');
    const got = await ctx.roleOf(key);
    if (got !== role)
      return fail(`the returned key (${shown(key)}) authenticates as ${got ?? 'nobody'}, expected ${role}`);
    return pass(
      `${steps.map((s) => s.status).join(' then ')} with ${viaKey ? 'an Admin key (URL credentials unsupported)' : 'admin credentials in the URL'}; the returned key (${shown(key)}) authenticates as ${role}`,
    );
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
  ...FAULT_CASES,
];
