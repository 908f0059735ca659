/**
 * Client cases from the bug-reproduction scenarios (issue 13 part 5), at SHOULD level: what a
 * careful client does when PMM misbehaves — a bounded retry of a 5xx, no loop on a 401, Basic sent
 * without waiting for a challenge PMM never sends, no Authorization to another port after a
 * redirect. The faults come from the mock's fault layer (`POST /__mock/faults`), in force for the
 * case's run only; the checks are the scenarios' own (suites/client/scenario-expect.ts).
 */
import { describeOutcome } from './adapter.ts';
import {
  bearerOverCa,
  credentialSeen,
  fail,
  pass,
  seen,
  unsupported,
  userinfoUrl,
  type CaseContext,
  type ClientCase,
  type Judged,
  type Observed,
} from './case-kit.ts';
import { judge, type Expectation } from './scenario-expect.ts';

/** How many repeats of a request answered 5xx a client may send (the B5 scenario's bound). */
const MAX_5XX_RETRIES = 3;
/** REPEAT for the 401 case: a poller asked for five polls must stop at the first 401. */
const POLLS = '5';

/** A client the harness had to stop did not finish: FAIL at any level (as in `pmm-auth-check scenarios`). */
function stopped(o: Observed): Judged | undefined {
  return o.outcome.kind === 'timeout'
    ? fail(`did not stop within the timeout; the mock saw ${o.requests.length} request(s) — ${seen(o)}`)
    : undefined;
}

/** One expectation judged over the run's journal: PASS, NON-STRICT (a SHOULD not met), or FAIL when nothing arrived. */
function judged(x: Expectation, o: Observed): Judged {
  const [j] = judge([x], o.requests);
  if (!j || j.pass === null) return fail(`expected a request answered as the case arranges — ${seen(o)}`);
  return j.pass
    ? pass(`${j.reason}; client: ${describeOutcome(o.outcome)}`)
    : { verdict: 'NON-STRICT', reason: `${j.reason}; client: ${describeOutcome(o.outcome)}` };
}

const retry5xx: ClientCase = {
  id: 'client.retry.5xx-bounded',
  level: 'SHOULD',
  title: `every request answers nginx's 502 page ("Grafana is down"): at most ${MAX_5XX_RETRIES} repeats, then the client reports it`,
  async judge(ctx) {
    const path = ctx.profile.versionPath;
    const o = await ctx.withFaults([{ name: 'status', layer: 'nginx-502', path }], () =>
      bearerOverCa(ctx, `${ctx.url('valid')}${path}`, ctx.keys.viewer),
    );
    return (
      unsupported(o.outcome) ??
      stopped(o) ??
      judged(
        {
          id: 'client.retry.5xx-bounded',
          level: 'SHOULD',
          // auth-bugs §B5: a server fault is no bad credential; a retry may help, a bounded number of them.
          check: 'retry-bounded',
          after: { status: '5xx' },
          maxRequests: MAX_5XX_RETRIES,
          description: 'what a careful client does (suites/client/cases-faults.ts)',
          source: 'https://github.com/grafana/grafana/issues/61544',
        },
        o,
      )
    );
  },
};

const retry401: ClientCase = {
  id: 'client.retry.401-no-loop',
  level: 'SHOULD',
  title: `asked to poll ${POLLS} times (REPEAT=${POLLS}) with an expired key: no repeat after the 401`,
  async judge(ctx) {
    const o = await ctx.run({
      PMM_URL: `${ctx.url('valid')}${ctx.profile.versionPath}`,
      PMM_API_KEY: ctx.keys.expired,
      AUTH_MODE: 'bearer',
      TLS_MODE: 'ca',
      PMM_CA_FILE: ctx.caFile,
      REPEAT: POLLS,
    });
    return (
      unsupported(o.outcome) ??
      stopped(o) ??
      judged(
        {
          id: 'client.retry.401-no-loop',
          level: 'SHOULD',
          // auth-bugs §B12: a 401 is a credential problem; re-sending the same request cannot fix it.
          check: 'retry-bounded',
          after: { status: 401 },
          maxRequests: 0,
          description: 'what a careful client does (suites/client/cases-faults.ts)',
          source: 'https://github.com/grafana/grafana/issues/7090',
        },
        o,
      )
    );
  },
};

/** The key in the URL (the profile's Basic user), trusting the test CA. */
function userinfoRun(ctx: CaseContext): Promise<Observed> {
  return ctx.run({
    PMM_URL: userinfoUrl(ctx.url('valid'), ctx.profile.basicUser, ctx.keys.viewer, ctx.profile.versionPath),
    PMM_API_KEY: ctx.keys.viewer,
    AUTH_MODE: 'userinfo',
    TLS_MODE: 'ca',
    PMM_CA_FILE: ctx.caFile,
  });
}

const challengeAbsent: ClientCase = {
  id: 'client.challenge.absent',
  level: 'SHOULD',
  title:
    'URL credentials: Basic on the first request, without waiting for a WWW-Authenticate challenge (PMM and Grafana send none)',
  async judge(ctx) {
    const o = await userinfoRun(ctx);
    const u = unsupported(o.outcome) ?? stopped(o);
    if (u) return u;
    const first = o.requests[0];
    if (!first) return fail(`expected a request; none arrived — ${seen(o)}`);
    if (first.credential.kind === 'basic-api-key')
      return pass(`the first request carried Basic credentials (${credentialSeen(first)}), no challenge needed`);
    // auth-bugs §B8: no challenge on PMM's 401s; the fault adds one, to tell "waits for it" from "never sends".
    const challenged = await ctx.withFaults([{ name: 'www-authenticate', realm: 'pmm' }], () => userinfoRun(ctx));
    const later = challenged.requests.find((e) => e.credential.kind === 'basic-api-key');
    return {
      verdict: 'NON-STRICT',
      reason: later
        ? `sends Basic only after a 401 with a WWW-Authenticate challenge, which PMM never sends: the first request carried ${credentialSeen(first)}`
        : `never sent the URL credentials, not even after a challenge: the first request carried ${credentialSeen(first)} — ${seen(challenged)}`,
    };
  },
};

const redirectCrossPort: ClientCase = {
  id: 'client.redirect.cross-port',
  level: 'SHOULD',
  title: 'after a 302 to the same host on another port (another origin), no Authorization goes to that port',
  async judge(ctx) {
    const from = new URL(ctx.url('valid'));
    const to = new URL(ctx.url('main'));
    if (from.port === to.port) return fail(`the mock's main listener and its valid personality share port ${to.port}`);
    const target = `${to.origin}${ctx.profile.versionPath}`;
    // The control API's redirect (not journaled): only the request that follows it is in the journal.
    const o = await bearerOverCa(
      ctx,
      `${from.origin}/__mock/redirect?to=${encodeURIComponent(target)}`,
      ctx.keys.viewer,
    );
    const u = unsupported(o.outcome) ?? stopped(o);
    if (u) return u;
    const followed = o.requests.filter((e) => e.port === Number(to.port));
    if (followed.length === 0) return pass(`did not follow the redirect (client: ${describeOutcome(o.outcome)})`);
    const carried = followed.find((e) => e.authorizations > 0);
    // auth-bugs §B13: an origin is scheme, host and port; correct clients drop credentials across origins.
    if (carried)
      return {
        verdict: 'NON-STRICT',
        reason: `followed the redirect to port ${to.port} and sent ${credentialSeen(carried)} there`,
      };
    return pass(`followed the redirect to port ${to.port} without the Authorization header`);
  },
};

export const FAULT_CASES: readonly ClientCase[] = [retry5xx, retry401, challengeAbsent, redirectCrossPort];
