/** The single route table: every method + path the mock serves, sorted by path. */
import type { Handler } from 'hono';
import type { AppDeps, Env } from './context.ts';
import { createAPIKey, deleteAPIKey, getAPIKeyCurrentHandler, getAPIKeys } from './grafana/keys.ts';
import { getHomeDashboardHandler } from './grafana/dashboards.ts';
import { getHealth, getSignedInUserHandler, getSignedInUserOrgListHandler } from './grafana/user.ts';
import {
  adminCreateUser,
  adminDeleteUser,
  adminUpdateUserPassword,
  getOrgUsers,
  getUserByLoginOrEmail,
  updateOrgUser,
} from './grafana/users.ts';
import {
  getCurrentServiceAccountHandler,
  getMigrationStatus,
  hideApiKeys,
  migrateAllKeys,
  migrateOneKey,
} from './grafana/sa-migration.ts';
import { createToken, deleteToken, listTokens } from './grafana/sa-tokens.ts';
import {
  createServiceAccountHandler,
  deleteServiceAccount,
  retrieveServiceAccount,
  searchServiceAccounts,
  updateServiceAccount,
} from './grafana/service-accounts.ts';
import {
  awsInstanceCheck,
  getAlerts,
  getReadonlySettings,
  getReadyz,
  getSettings,
  getVersion,
  platformConnect,
} from './pmm/handlers.ts';
import { getSetupPage, getSwaggerJson, getSwaggerUi } from './pmm/static.ts';
import type { PmmOperation } from './profiles/types.ts';

export type RouteSpec = readonly [
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  handler: Handler<Env>,
];

/** Registers a product route with the product's layers in front of it (mock/app.ts; `ALL`: any method, Hono's `app.all`). */
export interface RouteRegistrar {
  on(method: RouteSpec[0] | 'ALL', path: string, handler: Handler<Env>): void;
}

/** The PMM handler of each operation a profile lists (mock/profiles/*: pmmEndpoints). */
function pmmHandlers(deps: AppDeps): Record<PmmOperation, Handler<Env>> {
  return {
    alerts: getAlerts(),
    awsInstanceCheck: awsInstanceCheck(deps),
    setupPage: getSetupPage(deps),
    swaggerJson: getSwaggerJson(deps),
    swaggerUi: getSwaggerUi(deps),
    platformConnect: platformConnect(deps),
    readyz: getReadyz(),
    settings: getSettings(deps),
    settingsReadonly: getReadonlySettings(deps),
    version: getVersion(deps),
  };
}

/** grafana-auth §5.2, grafana-auth §5.3: service accounts, their tokens, the migration, Percona's current-account route. */
function serviceAccountRoutes(deps: AppDeps): RouteSpec[] {
  if (!deps.profile.serviceAccounts) return [];
  const sa = '/graph/api/serviceaccounts';
  return [
    ['GET', '/graph/api/auth/serviceaccount', getCurrentServiceAccountHandler(deps)],
    ['POST', sa, createServiceAccountHandler(deps)],
    ['GET', `${sa}/search`, searchServiceAccounts(deps)],
    ['GET', `${sa}/migrationstatus`, getMigrationStatus(deps)],
    ['POST', `${sa}/hideApiKeys`, hideApiKeys(deps)],
    ['POST', `${sa}/migrate`, migrateAllKeys(deps)],
    ['POST', `${sa}/migrate/:keyId`, migrateOneKey(deps)],
    ['GET', `${sa}/:serviceAccountId`, retrieveServiceAccount(deps)],
    ['PATCH', `${sa}/:serviceAccountId`, updateServiceAccount(deps)],
    ['DELETE', `${sa}/:serviceAccountId`, deleteServiceAccount(deps)],
    ['GET', `${sa}/:serviceAccountId/tokens`, listTokens(deps)],
    ['POST', `${sa}/:serviceAccountId/tokens`, createToken(deps)],
    ['DELETE', `${sa}/:serviceAccountId/tokens/:tokenId`, deleteToken(deps)],
  ];
}

/** Sort key: by path, a static segment before a parameter (`/search` must not be taken for `/:id`). */
const sortKey = (path: string): string => path.replaceAll(':', '\uffff');

export function routeTable(deps: AppDeps): RouteSpec[] {
  const pmm = pmmHandlers(deps);
  const routes: RouteSpec[] = [
    // pmm-auth §5: the users and org roles PMM's own api-tests create.
    ['POST', '/graph/api/admin/users', adminCreateUser(deps)],
    ['DELETE', '/graph/api/admin/users/:id', adminDeleteUser(deps)],
    ['PUT', '/graph/api/admin/users/:id/password', adminUpdateUserPassword(deps)],
    ['GET', '/graph/api/org/users', getOrgUsers(deps)],
    ['PATCH', '/graph/api/org/users/:userId', updateOrgUser(deps)],
    ['GET', '/graph/api/users/lookup', getUserByLoginOrEmail(deps)],
    ['GET', '/graph/api/auth/key', getAPIKeyCurrentHandler(deps)],
    ['GET', '/graph/api/auth/keys', getAPIKeys(deps)],
    ['POST', '/graph/api/auth/keys', createAPIKey(deps)],
    ['DELETE', '/graph/api/auth/keys/:id', deleteAPIKey(deps)],
    ['GET', '/graph/api/health', getHealth(deps)],
    // The key UI's example request (mock/grafana/dashboards.ts).
    ['GET', '/graph/api/dashboards/home', getHomeDashboardHandler(deps)],
    ['GET', '/graph/api/user', getSignedInUserHandler(deps)],
    ['GET', '/graph/api/user/orgs', getSignedInUserOrgListHandler(deps)],
    ...serviceAccountRoutes(deps),
    ...deps.profile.pmmEndpoints.map((e): RouteSpec => [e.method, e.path, pmm[e.operation]]),
  ];
  return routes.sort((a, b) => (sortKey(a[1]) < sortKey(b[1]) ? -1 : sortKey(a[1]) > sortKey(b[1]) ? 1 : 0));
}
