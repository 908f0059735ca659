/**
 * The certificate cases (README "Certificate personalities"): a client refuses a bad certificate
 * by default, reaches PMM's self-signed one only when told to be insecure, and trusts a given CA
 * without trusting that CA's expired or wrong-host certificates. Each sends the profile's viewer
 * key to the profile's version endpoint.
 */
import { describeOutcome } from './adapter.ts';
import { bearerOverCa, describeMock, fail, pass, seen, unsupported, type ClientCase } from './case-kit.ts';

export function tlsRefusal(personality: string, mode: 'verify' | 'ca'): ClientCase {
  return {
    id: `client.tls.${personality}.${mode}`,
    level: 'MUST',
    title: `refuses the ${personality} certificate${mode === 'ca' ? ' even with the test CA' : ' by default'}; no HTTP request reaches the mock`,
    async judge(ctx) {
      const o = await ctx.run({
        PMM_URL: `${ctx.url(personality)}${ctx.profile.versionPath}`,
        PMM_API_KEY: ctx.keys.viewer,
        AUTH_MODE: 'bearer',
        TLS_MODE: mode,
        ...(mode === 'ca' ? { PMM_CA_FILE: ctx.caFile } : {}),
      });
      const onPort = o.requests.filter((e) => e.personality === personality);
      if (o.outcome.kind === 'response' || onPort.length > 0) {
        return fail(
          `expected a refusal; the client reported ${describeOutcome(o.outcome)} and the mock saw ${onPort.length} request(s) on the ${personality} port`,
        );
      }
      const event = o.tls.find((e) => e.personality === personality);
      const evidence = event
        ? `${event.event}${event.alertDescription ? ` (alert ${event.alert} ${event.alertDescription})` : event.error ? ` (${event.error})` : ''}`
        : 'no TLS event';
      return pass(`refused (${describeOutcome(o.outcome)}); the mock saw no request, TLS: ${evidence}`);
    },
  };
}

export function tlsAccept(personality: string, mode: 'insecure' | 'ca'): ClientCase {
  return {
    id: `client.tls.${personality}.${mode}`,
    level: 'MUST',
    title: `${mode === 'insecure' ? 'with its insecure switch' : 'given the test CA'}, reaches the ${personality} certificate and authenticates`,
    async judge(ctx) {
      const o = await ctx.run({
        PMM_URL: `${ctx.url(personality)}${ctx.profile.versionPath}`,
        PMM_API_KEY: ctx.keys.viewer,
        AUTH_MODE: 'bearer',
        TLS_MODE: mode,
        ...(mode === 'ca' ? { PMM_CA_FILE: ctx.caFile } : {}),
      });
      const u = unsupported(o.outcome);
      if (u) return u;
      const e = o.requests.find((r) => r.personality === personality);
      if (o.outcome.kind !== 'response' || o.outcome.status !== 200 || !e || e.status !== 200) {
        return fail(`expected HTTP 200 over the ${personality} certificate — ${seen(o)}`);
      }
      return pass(`HTTP 200; the mock saw the authenticated GET ${e.path}`);
    },
  };
}

export function tlsObserved(personality: string): ClientCase {
  return {
    id: `client.tls.${personality}.ca`,
    level: 'OBSERVED',
    title: `given the test CA, the outcome for the ${personality} certificate (clients legitimately differ)`,
    async judge(ctx) {
      const o = await bearerOverCa(ctx, `${ctx.url(personality)}${ctx.profile.versionPath}`, ctx.keys.viewer);
      const accepted = o.outcome.kind === 'response';
      return {
        verdict: 'INFO',
        reason: `${accepted ? 'accepted' : 'refused'}: ${describeOutcome(o.outcome)}${accepted ? '' : `; mock: ${describeMock(o)}`}`,
      };
    },
  };
}
