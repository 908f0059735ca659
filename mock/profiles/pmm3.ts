/** Profile `pmm3`: PMM 3.0.x with Grafana 11.1.8 (Percona fork). Data only. */
import { FAITHFUL_BEHAVIOUR } from './behaviour.ts';
import { USERS_11_1 } from './users.ts';
import type { AuthRule, Profile, ServiceAccountFacts } from './types.ts';

/** pmm-auth §2.1, "PMM 3.0-era (AS-3e test table; AS-3m code)": URL prefix → minimum role. */
const RULES_3_0: readonly AuthRule[] = [
  ['/agent.v1.AgentService/Connect', 'admin'],
  ['/agent.Agent/Connect', 'admin'], // v2 agents
  ['/inventory.', 'admin'],
  ['/management.', 'admin'],
  ['/actions.', 'viewer'],
  ['/advisors.v1.', 'editor'],
  ['/server.v1.ServerService/CheckUpdates', 'viewer'],
  ['/server.v1.ServerService/UpdateStatus', 'none'],
  ['/server.v1.ServerService/AWSInstanceCheck', 'none'],
  ['/server.', 'admin'],
  ['/server.v1.', 'admin'],
  ['/qan.v1.CollectorService.', 'viewer'],
  ['/qan.v1.QANService.', 'viewer'],
  ['/v1/alerting', 'viewer'],
  ['/v1/advisors', 'editor'],
  ['/v1/advisors/checks:', 'editor'],
  ['/v1/advisors/failedServices', 'editor'],
  ['/v1/actions/', 'viewer'],
  ['/v1/actions:', 'viewer'],
  ['/v1/backups', 'admin'],
  ['/v1/dumps', 'admin'],
  ['/v1/accesscontrol', 'admin'],
  ['/v1/inventory/', 'admin'],
  ['/v1/inventory/services:getTypes', 'viewer'],
  ['/v1/management/', 'admin'],
  ['/v1/management/Jobs', 'viewer'],
  ['/v1/server/AWSInstance', 'none'],
  ['/v1/server/updates', 'viewer'],
  ['/v1/server/updates:start', 'admin'],
  ['/v1/server/updates:getStatus', 'none'],
  ['/v1/server/settings', 'admin'],
  ['/v1/server/settings/readonly', 'viewer'],
  ['/v1/platform:', 'admin'],
  ['/v1/platform/', 'viewer'],
  ['/v1/users', 'viewer'],
  ['/v1/server/readyz', 'none'],
  ['/v1/server/leaderHealthCheck', 'none'],
  ['/ping', 'none'],
  ['/v1/server/version', 'viewer'],
  ['/v1/qan', 'viewer'],
  ['/v1/qan:', 'viewer'],
  ['/prometheus', 'admin'],
  ['/victoriametrics', 'admin'],
  ['/nomad', 'admin'],
  ['/graph', 'none'],
  ['/swagger', 'none'], // pmm-auth §1.3: PMM 3.0.0 served /swagger without auth (exact rule UNVERIFIED)
  ['/v1/server/logs.zip', 'admin'],
  ['/v1/readyz', 'none'], // v2 compatibility
  ['/v1/version', 'viewer'], // v2 compatibility
  ['/logs.zip', 'admin'], // v2 compatibility
];

/** grafana-auth §5.3: Grafana 11.x service-account errors (errutil-typed ones carry messageId). */
const SERVICE_ACCOUNTS_11: ServiceAccountFacts = {
  perconaForce: true,
  errors: {
    // grafana-auth §5.3: bind error → 400 "Bad request data" (capital B).
    badRequest: { status: 400, message: 'Bad request data', traceID: true },
    invalidId: { status: 400, message: 'Service Account ID is invalid', traceID: true },
    // grafana-auth §5.3 (11.x): errutil 404 "service account not found" (messageId LIKELY).
    notFound: {
      status: 404,
      message: 'service account not found',
      traceID: true,
      messageId: 'serviceaccounts.ErrNotFound',
    },
    // grafana-auth §5.3 (Percona, VERIFIED 11.x file): force:true on an existing name → 400.
    alreadyExists: { status: 400, message: 'service account already exists', traceID: true },
    roleTooHigh: { status: 403, message: "can not assign a role higher than user's role", traceID: false },
    // grafana-auth §5.3: token endpoints check the account first → 404 "Failed to retrieve service account".
    tokenNotFoundForAccount: { status: 404, message: 'Failed to retrieve service account', traceID: true },
    tokenExists: {
      status: 400,
      message: 'service account token with given name already exists in the organization',
      traceID: true,
      messageId: 'serviceaccounts.ErrTokenAlreadyExists',
    },
    tokenNegativeTtl: {
      status: 400,
      message: 'invalid SecondsToLive value',
      traceID: true,
      messageId: 'serviceaccounts.ErrInvalidInput',
    },
    tokenDeleteMissing: { status: 404, message: 'Failed to delete service account token', traceID: true },
    invalidKeyId: { status: 400, message: 'Key ID is invalid', traceID: true },
    // pmm-auth §2.3 (3.x): pmm-managed falls back to /api/auth/key on this text (status UNVERIFIED).
    notServiceAccountToken: { status: 400, message: 'Auth method is not service account token', traceID: true },
    // grafana-auth §5.3 (Percona): migrating the caller's key failed.
    migrationFailed: { status: 400, message: 'Auth method is not API key type', traceID: true },
  },
};

export const pmm3: Profile = {
  name: 'pmm3',
  title: 'PMM 3.0.0 (Grafana 11.1.8, Percona fork)',
  // grafana-auth §0: PMM 3.0.0 ships Grafana 11.1.8. The commit is not sourced: a placeholder.
  grafana: { version: '11.1.8', commit: 'unknown' },
  // pmm-auth §3.1: field set VERIFIED (3.x always has `server`); values illustrative (UNVERIFIED).
  version: {
    version: '3.0.0',
    server: { version: '3.0.0', full_version: '3.0.0-1.2501271036.a7d4e2b.el9', timestamp: '2025-01-27T10:36:41Z' },
    managed: {
      version: '3.0.0',
      full_version: 'a7d4e2b35d0c4e5f8d9c1b2a3e4f5a6b7c8d9e0f',
      timestamp: '2025-01-27T10:21:17Z',
    },
    distribution_method: 'DISTRIBUTION_METHOD_DOCKER',
  },
  rules: RULES_3_0,
  // pmm-auth §2.1: 3.x also cuts at ':' (`/v1/platform:connect`).
  prefixCuts: '/.:',
  // pmm-auth §1.3 (3.x): /v1/server/*; compatibility rewrites /ping and /v1/readyz → /v1/server/readyz,
  // /v1/version → /v1/server/version; pmm-auth §3.3: settings (admin) and settings/readonly (viewer); pmm-auth §5.2: platform:connect.
  pmmEndpoints: [
    { method: 'GET', path: '/ping', operation: 'readyz', upstream: 'managed' },
    // pmm-auth §1.3: nginx serves the Swagger UI and its document from a directory.
    { method: 'GET', path: '/swagger', operation: 'swaggerUi', upstream: 'static' },
    { method: 'GET', path: '/swagger.json', operation: 'swaggerJson', upstream: 'static' },
    { method: 'POST', path: '/v1/platform:connect', operation: 'platformConnect', upstream: 'managed' },
    { method: 'GET', path: '/v1/readyz', operation: 'readyz', upstream: 'managed' },
    // pmm-auth §3.3, pmm-auth §5.2 (T-3t): the v2 POST /v1/AWSInstanceCheck became GET /v1/server/AWSInstance.
    { method: 'GET', path: '/v1/server/AWSInstance', operation: 'awsInstanceCheck', upstream: 'managed' },
    { method: 'GET', path: '/v1/server/readyz', operation: 'readyz', upstream: 'managed' },
    { method: 'GET', path: '/v1/server/settings', operation: 'settings', upstream: 'managed' },
    { method: 'GET', path: '/v1/server/settings/readonly', operation: 'settingsReadonly', upstream: 'managed' },
    { method: 'GET', path: '/v1/server/version', operation: 'version', upstream: 'managed' },
    { method: 'GET', path: '/v1/version', operation: 'version', upstream: 'managed' },
  ],
  // pmm-auth §1.3: PMM 3.0.0 served /swagger without auth (PMM-14021 added it later; whether by
  // `auth_request off` or the rule `none` is UNVERIFIED: the client sees the same).
  authOffLocations: ['/swagger'],
  // pmm-auth §2.5: the AWS setup wizard is gone in PMM 3 (NG-3 has no /setup location).
  mustSetupPrefixes: [],
  // pmm-auth §1.3 (NG-3): `rewrite ^(/swagger)/(.*)$ $scheme://$http_host/swagger permanent;`.
  swaggerRedirect: 'httpHost',
  pmmVariants: {
    // pmm-auth §1.3, pmm-auth §6: PMM-14021 (percona/pmm#4059/#4091, June 2025) put /swagger behind
    // auth, rule viewer (AS-3m). The first release with it is LIKELY 3.3.0 (dated by the PRs, not a tag).
    '3.3.0': {
      title: 'PMM 3.3.0 (Grafana 11.1.8, Percona fork; /swagger needs auth, PMM-14021)',
      version: {
        version: '3.3.0',
        server: { version: '3.3.0', full_version: '3.3.0-1.2507011209.c3b1f0e.el9', timestamp: '2025-07-01T12:09:44Z' },
        managed: {
          version: '3.3.0',
          full_version: 'c3b1f0e7a2d94b6e8f0a1c2d3e4f5a6b7c8d9e0f',
          timestamp: '2025-07-01T11:52:08Z',
        },
        distribution_method: 'DISTRIBUTION_METHOD_DOCKER',
      },
      rules: RULES_3_0.map(([prefix, role]) => [prefix, prefix === '/swagger' ? 'viewer' : role] as const),
      authOffLocations: [],
    },
  },
  // grafana-auth §1.2 (11.x): None, Viewer, Editor, Admin; the input is title-cased first.
  // grafana-auth §3.4: Grafana itself takes a key from Basic only with user `api_key`.
  keyBasicUsers: ['api_key'],
  // pmm-auth §2.3 (3.x): PMM extracts a token from Basic `api_key:` or `service_token:` and asks Grafana with Bearer.
  pmmTokenBasicUsers: ['api_key', 'service_token'],
  pmmTokenCheck: 'serviceAccountFirst',
  // grafana-auth §5.1: 11.1.8 still creates legacy keys (`--grafana-version 11.3` removes it).
  // grafana-auth §1.5 (LIKELY for 11.1): `lastUsedAt` after `expiration`, omitted when never used.
  keyListLastUsedAt: true,
  legacyKeyCreation: 'allowed',
  // grafana-auth §5.1: later PMM 3.x may ship Grafana ≥ 11.3 (UNVERIFIED); there POST /api/auth/keys answers 410.
  grafanaVariants: {
    '11.3': {
      title: 'PMM 3 with Grafana 11.3.0 (legacy key creation removed)',
      grafana: { version: '11.3.0', commit: 'unknown' },
      legacyKeyCreation: 'removed',
    },
  },
  users: USERS_11_1,
  serviceAccounts: SERVICE_ACCOUNTS_11,
  keyRoles: ['None', 'Viewer', 'Editor', 'Admin'],
  roleParsing: 'titleCase',
  authFailures: {
    // grafana-auth §3.5 (LIKELY): authn's auth.unauthorized, typed.
    unauthorized: { status: 401, message: 'Unauthorized', traceID: true, messageId: 'auth.unauthorized' },
    // grafana-auth §3.5: a malformed legacy key or a wrong secret → api-key.invalid.
    invalidApiKey: { status: 401, message: 'Invalid API key', traceID: true, messageId: 'api-key.invalid' },
    // grafana-auth §3.5 (LIKELY): an unknown key is not a typed error → the fallback body.
    unknownApiKey: { status: 401, message: 'Unauthorized', traceID: true },
    // grafana-auth §3.5 (LIKELY): a malformed glsa_ token is not a typed error either (no 500 in 11.x).
    malformedPrefixedKey: { status: 401, message: 'Unauthorized', traceID: true },
    expiredApiKey: { status: 401, message: 'Expired API key', traceID: true, messageId: 'api-key.expired' },
    // grafana-auth §3.5: messageId identity.disabled; the public message is UNVERIFIED.
    disabledServiceAccount: {
      status: 401,
      message: 'Service account is disabled',
      traceID: true,
      messageId: 'identity.disabled',
    },
    // grafana-auth §3.2 (9.2 text; 11.x UNVERIFIED): the token's account cannot be loaded.
    missingServiceAccount: { status: 500, message: 'Unable to link API key to service account', traceID: true },
    // grafana-auth §3.4 (LIKELY): a header that is neither Bearer nor Basic selects no client → no credentials.
    invalidBasicHeader: { status: 401, message: 'Unauthorized', traceID: true, messageId: 'auth.unauthorized' },
    // grafana-auth §6.1 (LIKELY): password-auth.failed.
    invalidCredentials: {
      status: 401,
      message: 'Invalid username or password',
      traceID: true,
      messageId: 'password-auth.failed',
    },
    // auth-bugs §B9: `[auth.basic] enabled = false` → "Bad Request: Not allowed." (REPORTED; status 400 UNVERIFIED).
    basicAuthDisabled: { status: 400, message: 'Bad Request: Not allowed.', traceID: false },
  },
  // grafana-auth §6.2 (LIKELY for 10.x; 11.1 UNVERIFIED): non-user identities get 403.
  userEndpointForKeys: { status: 403, message: 'Endpoint only available for users', traceID: false },
  // pmm-auth §1.4: 401 for role too low also in 3.0.x (late 3.x moved to 403).
  accessDeniedStatus: 401,
  unknownRoute: 'gatewayDefault',
  // pmm-auth §2.6: 3.x EmitUnpopulated true ("details": []).
  emitUnpopulated: true,
  // pmm-auth §3.3: the read-only settings fields (values representative).
  settings: {
    updates_enabled: true,
    telemetry_enabled: true,
    metrics_resolutions: { hr: '5s', mr: '10s', lr: '60s' },
    data_retention: '2592000s',
    ssh_key: '',
    aws_partitions: ['aws'],
    advisor_enabled: true,
    platform_email: '',
    alerting_enabled: true,
    pmm_public_address: '',
    advisor_run_intervals: { standard_interval: '86400s', rare_interval: '280800s', frequent_interval: '14400s' },
    backup_management_enabled: true,
    azurediscover_enabled: false,
    connected_to_platform: false,
    telemetry_summaries: [],
    enable_access_control: false,
    default_role_id: 0,
  },
  readonlySettings: {
    updates_enabled: true,
    telemetry_enabled: true,
    advisor_enabled: true,
    alerting_enabled: true,
    pmm_public_address: '',
    backup_management_enabled: true,
    azurediscover_enabled: false,
    enable_access_control: false,
  },
  // grafana-auth §6.3 (11.x, LIKELY): a struct → database, version, commit.
  healthKeys: ['database', 'version', 'commit'],
  // pmm-auth §1.1: 3.x listens on 8080 and 8443.
  // pmm-auth §1.3, pmm-auth §4.2: PMM 3 serves /v1/server/version; agents send `service_token:`.
  docsRequests: { versionPath: '/v1/server/version', tokenBasicUser: 'service_token' },
  behaviour: FAITHFUL_BEHAVIOUR,
  productPorts: { https: 8443, http: 8080 },
};
