/**
 * PMM's nginx `auth_request` layer and pmm-managed's auth server (pmm-auth §1.2, pmm-auth §1.3,
 * pmm-auth §1.4, pmm-auth §2.2): clean the original URI → longest-prefix rule → role none passes;
 * otherwise ask Grafana for the caller's role and compare; failures are 401 with the compact
 * code 16 / 7 / 13 bodies.
 */
import type { MiddlewareHandler } from 'hono';
import { noteFailure, type AppDeps, type Env } from '../context.ts';
import { authLayerError, GRPC } from '../errors.ts';
import { cleanPath } from './clean-path.ts';
import { lookupRole } from './grafana-client.ts';
import { roleAtLeast, RuleTable } from './rules.ts';
import { originalUri } from './request.ts';

export function pmmAuthLayer(deps: AppDeps): MiddlewareHandler<Env> {
  const rules = new RuleTable(deps.profile.rules, deps.profile.prefixCuts);
  const { behaviour } = deps.profile;
  return async function pmmAuthRequest(c, next) {
    // pmm-auth §1.2: authorized against `$request_uri`, the original URI (before rewrites).
    const cleaned = cleanPath(originalUri(c));
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
