/**
 * PMM's nginx `auth_request` layer and pmm-managed's auth server (pmm-auth §1.2, pmm-auth §1.3,
 * pmm-auth §1.4, pmm-auth §2.2): clean the original URI → longest-prefix rule → role none passes;
 * otherwise ask Grafana for the caller's role and compare; failures are 401 with the compact
 * code 16 / 7 / 13 bodies.
 */
import type { Layer } from '../chain.ts';
import { noteFailure, type AppDeps } from '../context.ts';
import { authLayerError, GRPC, reject } from '../errors.ts';
import { cleanPath } from './clean-path.ts';
import { lookupRole } from './grafana-client.ts';
import { roleAtLeast, RuleTable } from './rules.ts';
import { originalUri } from './request.ts';
import { decodedPath, nginxUri } from '../nginx.ts';

export function pmmAuthLayer(deps: AppDeps): Layer {
  const rules = new RuleTable(deps.profile.rules, deps.profile.prefixCuts);
  const { behaviour } = deps.profile;
  const { authOffLocations, mustSetupPrefixes } = deps.profile;
  // Not async (issue 15: one promise less per request): it answers by throwing, or passes on next()'s promise.
  return function pmmAuthRequest(c, next) {
    // pmm-auth §1.3: locations with `auth_request off` never reach the auth layer (nginx matches the decoded URI).
    const location = nginxUri(c);
    if (authOffLocations.some((prefix) => location.startsWith(prefix))) return next();
    // pmm-auth §1.2: authorized against `$request_uri`, the original URI (before rewrites).
    const original = originalUri(c);
    // pmm-auth §2.5 (2.41 only): with `X-Test-Must-Setup` (Go's Header.Get: a non-empty value) the UI prefixes answer 401 + X-Must-Setup, and
    // nginx's second request gets 303 `Location: /setup` — before any credential is looked at.
    if (mustSetupPrefixes.length > 0 && (c.req.header('x-test-must-setup') ?? '') !== '') {
      const path = decodedPath(original.split('?')[0]!);
      if (mustSetupPrefixes.some((prefix) => path.startsWith(prefix)))
        throw reject(new Response(null, { status: 303, headers: { Location: '/setup', 'Content-Length': '0' } }));
    }
    const cleaned = cleanPath(original);
    // pmm-auth §2.2 step 3: cleanPath error → code 13 "Internal server error.".
    if (cleaned === undefined) throw authLayerError(deps.profile, GRPC.Internal, 'Internal server error.');
    const rule = rules.match(cleaned);
    c.set('rule', rule);
    // pmm-auth §2.2 step 4: role none → allow without asking Grafana.
    if (rule.role === 'none') return next();
    // pmm-auth §2.4: a cached successful look-up answers without asking Grafana (the auth-cache fault).
    const cached = c.get('cachedRole');
    const found = cached === undefined ? lookupRole(c, deps) : { role: cached };
    if ('code' in found) {
      if (found.failure) noteFailure(c, found.failure);
      throw authLayerError(deps.profile, found.code, found.message);
    }
    c.set('pmmRole', found.role);
    // pmm-auth §2.1: a path without a rule needs `unlistedPathRole` (grafanaAdmin; the table's fallback).
    const need = rule.prefix === null ? behaviour.unlistedPathRole : rule.role;
    // pmm-auth §2.2 step 7: grafanaAdmin passes everything; else minRole <= role; else code 7.
    if (found.role === 'grafanaAdmin' || roleAtLeast(found.role, need) || !behaviour.authLayerChecksRoles)
      return next();
    noteFailure(c, 'role too low');
    throw authLayerError(deps.profile, GRPC.PermissionDenied, 'Access denied.');
  };
}
