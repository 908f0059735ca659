/** The single route table: every method + path the mock serves, sorted by path. */
import type { Handler } from 'hono';
import type { AppDeps, Env } from './context.ts';
import { createAPIKey, deleteAPIKey, getAPIKeyCurrentHandler, getAPIKeys } from './grafana/keys.ts';
import { getHealth, getSignedInUserHandler, getSignedInUserOrgListHandler } from './grafana/user.ts';
import { getAlerts, getReadyz, getSettings, getVersion, platformConnect } from './pmm/handlers.ts';

export type RouteSpec = readonly [method: 'GET' | 'POST' | 'DELETE', path: string, handler: Handler<Env>];

export function routeTable(deps: AppDeps): RouteSpec[] {
  return [
    ['GET', '/alertmanager/api/v2/alerts', getAlerts()],
    ['GET', '/graph/api/auth/key', getAPIKeyCurrentHandler(deps)],
    ['GET', '/graph/api/auth/keys', getAPIKeys(deps)],
    ['POST', '/graph/api/auth/keys', createAPIKey(deps)],
    ['DELETE', '/graph/api/auth/keys/:id', deleteAPIKey(deps)],
    ['GET', '/graph/api/health', getHealth(deps)],
    ['GET', '/graph/api/user', getSignedInUserHandler(deps)],
    ['GET', '/graph/api/user/orgs', getSignedInUserOrgListHandler(deps)],
    // pmm-auth §1.3: `rewrite ^/managed/v1/version$ /v1/version;`
    ['GET', '/managed/v1/version', getVersion(deps)],
    // pmm-auth §1.3: `rewrite ^/ping$ /v1/readyz;`
    ['GET', '/ping', getReadyz()],
    ['POST', '/v1/Platform/Connect', platformConnect(deps)],
    ['POST', '/v1/Settings/Get', getSettings()],
    ['GET', '/v1/readyz', getReadyz()],
    ['GET', '/v1/version', getVersion(deps)],
  ];
}
