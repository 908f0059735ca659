/** Profile `pmm2`: PMM 2.41 with Grafana 9.2.20 (Percona fork). Data only. */
import { FAITHFUL_BEHAVIOUR } from './behaviour.ts';
import { USERS_9_2 } from './users.ts';
import type { AuthRule, Profile } from './types.ts';

/** pmm-auth §2.1, table "2.41 (AS-241)": URL prefix → minimum role. */
const RULES_2_41: readonly AuthRule[] = [
  ['/agent.Agent/Connect', 'none'],
  ['/inventory.', 'admin'],
  ['/management.', 'admin'],
  ['/management.Actions/', 'viewer'],
  ['/server.Server/CheckUpdates', 'viewer'],
  ['/server.Server/UpdateStatus', 'none'], // token-based
  ['/server.Server/AWSInstanceCheck', 'none'],
  ['/server.', 'admin'],
  ['/v1/inventory/', 'admin'],
  ['/v1/inventory/Services/ListTypes', 'viewer'],
  ['/v1/management/', 'admin'],
  ['/v1/management/Actions/', 'viewer'],
  ['/v1/management/Jobs', 'viewer'],
  ['/v1/management/Role', 'admin'],
  ['/v1/Updates/Check', 'viewer'],
  ['/v1/Updates/Status', 'none'], // token-based
  ['/v1/AWSInstanceCheck', 'none'],
  ['/v1/Updates/', 'admin'],
  ['/v1/Settings/', 'admin'],
  ['/v1/Platform/Connect', 'admin'],
  ['/v1/Platform/Disconnect', 'admin'],
  ['/v1/Platform/SearchOrganizationTickets', 'viewer'],
  ['/v1/Platform/SearchOrganizationEntitlements', 'viewer'],
  ['/v1/Platform/GetContactInformation', 'viewer'],
  ['/v1/Platform/ServerInfo', 'viewer'],
  ['/v1/Platform/UserStatus', 'viewer'],
  ['/v1/user', 'viewer'],
  ['/v1/readyz', 'none'],
  ['/v1/leaderHealthCheck', 'none'],
  ['/ping', 'none'],
  ['/v1/version', 'viewer'],
  ['/managed/v1/version', 'viewer'],
  ['/v0/qan/', 'viewer'],
  ['/prometheus', 'admin'],
  ['/victoriametrics', 'admin'],
  ['/alertmanager', 'admin'],
  ['/graph', 'none'],
  ['/swagger', 'none'],
  ['/logs.zip', 'admin'],
];

export const pmm2: Profile = {
  name: 'pmm2',
  title: 'PMM 2.41.0 (Grafana 9.2.20, Percona fork)',
  // grafana-auth §0: PMM 2.41 ships Grafana 9.2.20. The commit is not sourced: a placeholder.
  grafana: { version: '9.2.20', commit: 'unknown' },
  // pmm-auth §3.1: field set VERIFIED; values illustrative (UNVERIFIED); timestamps not on a whole hour.
  version: {
    version: '2.41.0',
    server: { version: '2.41.0', full_version: '2.41.0-1.2311231402.a0c0a8c.el7', timestamp: '2023-11-23T14:02:31Z' },
    managed: {
      version: '2.41.0',
      full_version: 'a0c0a8c4fe44b3ce9e4a0f5e5e1be3a2c6ec4a41',
      timestamp: '2023-11-23T13:49:12Z',
    },
    distribution_method: 'DISTRIBUTION_METHOD_DOCKER',
  },
  rules: RULES_2_41,
  // pmm-auth §2.1: 2.41 cuts prefixes at '/' and '.'.
  prefixCuts: '/.',
  // pmm-auth §1.3, pmm-auth §3: endpoints and nginx rewrites of 2.41 (/managed/v1/version, /ping).
  pmmEndpoints: [
    { method: 'GET', path: '/alertmanager/api/v2/alerts', operation: 'alerts', upstream: 'other' },
    { method: 'GET', path: '/managed/v1/version', operation: 'version', upstream: 'managed' },
    { method: 'GET', path: '/ping', operation: 'readyz', upstream: 'managed' },
    // pmm-auth §2.5, pmm-auth §5.1 item 3: the setup wizard's page (nginx static, auth off) and its check.
    { method: 'GET', path: '/setup', operation: 'setupPage', upstream: 'static' },
    // pmm-auth §1.3: nginx serves the Swagger UI and its document from a directory (auth off in 2.41).
    { method: 'GET', path: '/swagger', operation: 'swaggerUi', upstream: 'static' },
    { method: 'GET', path: '/swagger.json', operation: 'swaggerJson', upstream: 'static' },
    { method: 'POST', path: '/v1/AWSInstanceCheck', operation: 'awsInstanceCheck', upstream: 'managed' },
    { method: 'POST', path: '/v1/Platform/Connect', operation: 'platformConnect', upstream: 'managed' },
    { method: 'POST', path: '/v1/Settings/Get', operation: 'settings', upstream: 'managed' },
    { method: 'GET', path: '/v1/readyz', operation: 'readyz', upstream: 'managed' },
    { method: 'GET', path: '/v1/version', operation: 'version', upstream: 'managed' },
  ],
  // pmm-auth §1.3 (NG-24x): `location /setup` and `location /swagger` have `auth_request off`.
  authOffLocations: ['/setup', '/swagger'],
  // pmm-auth §2.5 (AS-241 mustSetup): the UI prefixes the wizard blocks; APIs stay open.
  mustSetupPrefixes: ['/prometheus', '/victoriametrics', '/alertmanager', '/graph', '/swagger'],
  // pmm-auth §1.3 (NG-24x): `rewrite ^(/swagger)/(.*)$ /swagger permanent;` (relative, absolute_redirect on).
  swaggerRedirect: 'nginxAbsolute',
  pmmVariants: {},
  // pmm-auth §3.3: a representative 2.41 settings object (field values UNVERIFIED).
  settings: {
    telemetry_enabled: true,
    metrics_resolutions: { hr: '5s', mr: '10s', lr: '60s' },
    data_retention: '2592000s',
    aws_partitions: ['aws'],
    stt_enabled: true,
    platform_email: '',
    dbaas_enabled: false,
    alerting_enabled: true,
    stt_check_intervals: { standard_interval: '86400s', rare_interval: '280800s', frequent_interval: '14400s' },
    backup_management_enabled: true,
    connected_to_platform: false,
    telemetry_summaries: [],
  },
  readonlySettings: {},
  // grafana-auth §1.2: 9.x roles are case-sensitive.
  roleParsing: 'exact',
  // grafana-auth §6.3: 9.x sorts the keys.
  healthKeys: ['commit', 'database', 'version'],
  // grafana-auth §3.1: Basic with user name exactly `api_key` carries a key.
  keyBasicUsers: ['api_key'],
  // pmm-auth §2.3 (2.41): IsAPIKeyAuth — Bearer, or Basic `api_key:`; the role comes from /api/auth/key.
  pmmTokenBasicUsers: ['api_key'],
  pmmTokenCheck: 'apiKey',
  // grafana-auth §5.1: 9.2 creates legacy keys.
  // grafana-auth §1.5: 9.x items are id, name, role, expiration.
  keyListLastUsedAt: false,
  legacyKeyCreation: 'allowed',
  grafanaVariants: {},
  // Grafana 9.2 has service accounts (grafana-auth §5.3), but PMM 2.41 uses API keys (pmm-auth §4.1): not served.
  users: USERS_9_2,
  serviceAccounts: null,
  // grafana-auth §1.2: 9.x knows Viewer, Editor, Admin (no None), case-sensitive.
  keyRoles: ['Viewer', 'Editor', 'Admin'],
  authFailures: {
    // grafana-auth §3.6: /api route without identity → 401 {"message":"Unauthorized"} (nil error, no traceID).
    unauthorized: { status: 401, message: 'Unauthorized', traceID: false },
    // grafana-auth §3.2: Percona's message constant; an internal error is attached → traceID.
    invalidApiKey: { status: 401, message: 'invalid Service Token/API key', traceID: true },
    // grafana-auth §3.2: an unknown key name → the store's "invalid" sentinel → the same 401.
    unknownApiKey: { status: 401, message: 'invalid Service Token/API key', traceID: true },
    // grafana-auth §3.2: malformed `gl…` token → struct error matched by neither check → 500 (quirk).
    malformedPrefixedKey: { status: 500, message: 'invalid Service Token/API key', traceID: true },
    // grafana-auth §3.2: expired → 401 {"message":"Expired API key"} (no traceID).
    expiredApiKey: { status: 401, message: 'Expired API key', traceID: false },
    // grafana-auth §3.2: (unreachable here: the pmm2 profile serves no service accounts).
    disabledServiceAccount: { status: 401, message: 'Service account is disabled', traceID: false },
    missingServiceAccount: { status: 500, message: 'Unable to link API key to service account', traceID: true },
    // grafana-auth §6.1: header not decodable as Basic.
    invalidBasicHeader: { status: 401, message: 'Invalid Basic Auth Header', traceID: true },
    // grafana-auth §6.1: bad password, unknown or locked-out user (lower-case "invalid").
    invalidCredentials: { status: 401, message: 'invalid username or password', traceID: true },
    // auth-bugs §B9: `[auth.basic] enabled = false` → "Bad Request: Not allowed." (REPORTED; status 400 UNVERIFIED).
    basicAuthDisabled: { status: 400, message: 'Bad Request: Not allowed.', traceID: false },
  },
  // grafana-auth §6.2: a plain API key has no user id → 404 "user not found" (nil error, no traceID).
  userEndpointForKeys: { status: 404, message: 'user not found', traceID: false },
  // pmm-auth §1.4: role too low is 401 (not 403) in 2.41.
  accessDeniedStatus: 401,
  unknownRoute: 'httpError',
  // pmm-auth §2.6: 2.41 EmitUnpopulated false.
  emitUnpopulated: false,
  // pmm-auth §1.1: 2.41 listens on 80 and 443.
  // pmm-auth §3.4: the docs use /v1/version and `api_key:`.
  docsRequests: { versionPath: '/v1/version', tokenBasicUser: 'api_key' },
  behaviour: FAITHFUL_BEHAVIOUR,
  productPorts: { https: 443, http: 80 },
};
