/** The single route table: every method + path the mock serves, sorted by path. */
import type { Handler } from 'hono';
import type { AppDeps, Env } from './context.ts';
import { createAPIKey, deleteAPIKey, getAPIKeyCurrentHandler, getAPIKeys } from './grafana/keys.ts';
import { getHealth, getSignedInUserHandler, getSignedInUserOrgListHandler } from './grafana/user.ts';
import { getAlerts, getReadonlySettings, getReadyz, getSettings, getVersion, platformConnect } from './pmm/handlers.ts';
import type { PmmOperation } from './profiles/types.ts';

export type RouteSpec = readonly [method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: Handler<Env>];

/** The PMM handler of each operation a profile lists (mock/profiles/*: pmmEndpoints). */
function pmmHandlers(deps: AppDeps): Record<PmmOperation, Handler<Env>> {
  return {
    alerts: getAlerts(),
    platformConnect: platformConnect(deps),
    readyz: getReadyz(),
    settings: getSettings(deps),
    settingsReadonly: getReadonlySettings(deps),
    version: getVersion(deps),
  };
}

export function routeTable(deps: AppDeps): RouteSpec[] {
  const pmm = pmmHandlers(deps);
  const routes: RouteSpec[] = [
    ['GET', '/graph/api/auth/key', getAPIKeyCurrentHandler(deps)],
    ['GET', '/graph/api/auth/keys', getAPIKeys(deps)],
    ['POST', '/graph/api/auth/keys', createAPIKey(deps)],
    ['DELETE', '/graph/api/auth/keys/:id', deleteAPIKey(deps)],
    ['GET', '/graph/api/health', getHealth(deps)],
    ['GET', '/graph/api/user', getSignedInUserHandler(deps)],
    ['GET', '/graph/api/user/orgs', getSignedInUserOrgListHandler(deps)],
    ...deps.profile.pmmEndpoints.map((e): RouteSpec => [e.method, e.path, pmm[e.operation]]),
  ];
  return routes.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}
