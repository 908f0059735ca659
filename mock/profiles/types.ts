/**
 * What a profile is: the product facts of one PMM release, as data. Handlers ask the profile;
 * they never branch on its name. A second profile (PMM 3) fills the same shape.
 */

/** PMM's role ladder (pmm-auth §2.1): none < viewer < editor < admin < grafanaAdmin. */
export type PmmRole = 'none' | 'viewer' | 'editor' | 'admin' | 'grafanaAdmin';

/** Grafana org roles a key or user can hold (grafana-auth §1.2; `None` exists from 10.x). */
export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

/** One rule of the auth_request layer: URL prefix → minimum role (pmm-auth §2.1). */
export type AuthRule = readonly [prefix: string, role: PmmRole];

/** Failures of Grafana's identity resolution, each rendered per profile (grafana-auth §3.2, grafana-auth §3.6, grafana-auth §6.1). */
export type AuthFailureKind =
  | 'unauthorized'
  | 'invalidApiKey'
  | 'unknownApiKey'
  | 'malformedPrefixedKey'
  | 'expiredApiKey'
  | 'disabledServiceAccount'
  | 'missingServiceAccount'
  | 'invalidBasicHeader'
  | 'invalidCredentials'
  | 'basicAuthDisabled';

/** A Grafana JSON error: status, message, and whether Grafana attaches `"traceID":""` (an internal error was passed). */
export interface GrafanaError {
  readonly status: number;
  readonly message: string;
  readonly traceID: boolean;
  /** Grafana ≥ 9.4 typed errors (grafana-auth §3.5): the body gains extra, messageId, statusCode. */
  readonly messageId?: string;
}

/** The PMM endpoints a profile serves, by operation (the handlers live in mock/pmm/handlers.ts). */
export type PmmOperation =
  | 'version'
  | 'readyz'
  | 'settings'
  | 'settingsReadonly'
  | 'platformConnect'
  | 'alerts'
  | 'awsInstanceCheck'
  | 'setupPage'
  | 'swaggerUi'
  | 'swaggerJson';
export interface PmmEndpoint {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly operation: PmmOperation;
  /**
   * Who answers behind nginx (pmm-auth §1.3): `managed` — pmm-managed's grpc-gateway (a known path
   * with another method → 501 code 12, pmm-auth §2.6); `static` — a file nginx serves; `other` —
   * another upstream (Alertmanager).
   */
  readonly upstream: 'managed' | 'static' | 'other';
}

/** What changes with another PMM release of the profile's line (`--pmm-version`). */
export type PmmVariant = Pick<Profile, 'title' | 'version' | 'rules' | 'authOffLocations'>;

export interface VersionInfo {
  readonly version: string;
  readonly server: { readonly version: string; readonly full_version: string; readonly timestamp: string };
  readonly managed: { readonly version: string; readonly full_version: string; readonly timestamp: string };
  readonly distribution_method: string;
}

/** The errors of the service-account endpoints (grafana-auth §5.3), as the profile's Grafana words them. */
export interface ServiceAccountFacts {
  readonly errors: Readonly<Record<ServiceAccountErrorKind, GrafanaError>>;
  /** Percona's create with an existing name and no `force`: update and return it (grafana-auth §5.3). */
  readonly perconaForce: boolean;
}

export type ServiceAccountErrorKind =
  | 'badRequest'
  | 'invalidId'
  | 'notFound'
  | 'alreadyExists'
  | 'roleTooHigh'
  | 'tokenNotFoundForAccount'
  | 'tokenExists'
  | 'tokenNegativeTtl'
  | 'tokenDeleteMissing'
  | 'invalidKeyId'
  | 'notServiceAccountToken'
  | 'migrationFailed';

/** The errors of Grafana's user endpoints (/api/admin/users, /api/org/users, /api/users/lookup), as the profile's Grafana words them. */
export type UserErrorKind =
  | 'badRequest'
  | 'idInvalid'
  | 'userIdInvalid'
  | 'loginOrEmailMissing'
  | 'passwordTooShort'
  | 'newPasswordTooShort'
  | 'alreadyExists'
  | 'orgNotFound'
  | 'notFound'
  | 'passwordUserUnreadable'
  | 'lastAdmin'
  | 'orgUserUpdateFailed';

export interface UserFacts {
  /** `alreadyExists`'s message has two `%s`: the form's email, then its login. */
  readonly errors: Readonly<Record<UserErrorKind, GrafanaError>>;
  /** The shortest password create and the password update accept. */
  readonly minPasswordLength: number;
  /** The create answer carries the new user's `uid` (between id and message). */
  readonly createAnswerUid: boolean;
  /** GET /api/org/users items end with `authLabels` and `isExternallySynced`. */
  readonly orgUserExtraFields: boolean;
  /** GET /api/users/lookup carries `isExternallySynced` after `isExternal`. */
  readonly lookupExternallySynced: boolean;
}

export type GrafanaVariant = Pick<Profile, 'title' | 'grafana' | 'legacyKeyCreation'>;

/**
 * Behaviour switches that handlers read. The faithful profiles carry the product's values
 * (mock/profiles/behaviour.ts); only the test-only deviations (mock/deviations.ts
 * `applyDeviations`) change them.
 */
export interface Behaviour {
  /** grafana-auth §3.1: the `Bearer` scheme is case-sensitive (`exact`); `anyCase` also reads `bearer`, `BEARER`, …. */
  readonly bearerScheme: 'exact' | 'anyCase';
  /** grafana-auth §3.1: no query-string keys (null); else the query parameter a key is read from when no header is sent. */
  readonly keyQueryParam: string | null;
  /**
   * grafana-auth §4: when keys and tokens are refused — `atExpirySecond` (`expires <= now`, the
   * product), `afterExpirySecond` (`expires < now`: one second late), `never`.
   */
  readonly keyExpiry: 'atExpirySecond' | 'afterExpirySecond' | 'never';
  /** grafana-auth §3.2, grafana-auth §3.5: tokens of a disabled service account are refused. */
  readonly disabledAccountsRefused: boolean;
  /** pmm-auth §2.2 step 7: the auth layer compares the caller's role with the rule's. */
  readonly authLayerChecksRoles: boolean;
  /** pmm-auth §2.1: the role a path without a rule needs (`grafanaAdmin`: no key reaches it). */
  readonly unlistedPathRole: PmmRole;
  /** grafana-auth §1.1: managing keys and service accounts needs org role Admin (RBAC `apikeys:*`, `serviceaccounts:*`). */
  readonly managementNeedsOrgAdmin: boolean;
  /** grafana-auth §1.2: a new key's role may not exceed its creator's. */
  readonly keyRoleCeiling: boolean;
  /** grafana-auth §1.3: the store checks a duplicate name before a negative TTL (`duplicateFirst`). */
  readonly keyCreateOrder: 'duplicateFirst' | 'negativeTtlFirst';
  /** grafana-auth §1.5: GET /api/auth/keys never lists a secret. */
  readonly keyListShowsSecret: boolean;
  /** grafana-auth §1.6: DELETE /api/auth/keys/:id removes the key. */
  readonly keyDeleteRemoves: boolean;
  /** grafana-auth §5.3: DELETE /api/serviceaccounts/:id removes the account and its tokens. */
  readonly serviceAccountDeleteRemoves: boolean;
  /** pmm-auth §5: the org role a new user gets (`auto_assign_org_role`, Viewer). */
  readonly newUserRole: OrgRole;
  /** grafana-auth §5.3: Percona's /api/auth/serviceaccount migrates the caller's legacy key into a service account. */
  readonly migrateKeyOnFirstUse: boolean;
}

export interface Profile {
  readonly name: string;
  readonly title: string;
  /** Grafana version behind /graph, and what /api/health reports. */
  readonly grafana: { readonly version: string; readonly commit: string };
  /** Body of GET /v1/version (pmm-auth §3.1). */
  readonly version: VersionInfo;
  /** Auth-layer rule table (pmm-auth §2.1). */
  readonly rules: readonly AuthRule[];
  /** nginx locations with `auth_request off` that the mock serves (pmm-auth §1.3): no auth layer at all. */
  readonly authOffLocations: readonly string[];
  /**
   * 2.41's AWS setup wizard (pmm-auth §2.5): paths that `X-Test-Must-Setup` sends to 303
   * `Location: /setup`; empty where the wizard is gone (PMM 3).
   */
  readonly mustSetupPrefixes: readonly string[];
  /**
   * The Location of nginx's swagger rewrites (pmm-auth §1.3): `nginxAbsolute` — a relative
   * `permanent` rewrite that nginx makes absolute from the Host name and the listener's port (2.41);
   * `httpHost` — `$scheme://$http_host/…` written out (3.x).
   */
  readonly swaggerRedirect: 'nginxAbsolute' | 'httpHost';
  /** Other PMM releases the profile can run as (`--pmm-version`), and what changes with them. */
  readonly pmmVariants: Readonly<Record<string, PmmVariant>>;
  /** Characters the longest-prefix lookup cuts at (pmm-auth §2.1: '/' and '.'; 3.x also ':'). */
  readonly prefixCuts: string;
  /** PMM endpoints, including nginx's rewrites (pmm-auth §1.3, pmm-auth §3). */
  readonly pmmEndpoints: readonly PmmEndpoint[];
  /** Role strings: `exact` (9.x, case-sensitive) or `titleCase` (11.x folds case first), grafana-auth §1.2. */
  readonly roleParsing: 'exact' | 'titleCase';
  /** The settings object of the settings endpoint (pmm-auth §3.3; values representative). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The 3.x read-only settings (pmm-auth §3.3); empty where the profile has none. */
  readonly readonlySettings: Readonly<Record<string, unknown>>;
  /** Key order of GET /api/health (grafana-auth §6.3). */
  readonly healthKeys: readonly ('commit' | 'database' | 'version')[];
  /** Basic-auth user names whose password Grafana takes as a key (grafana-auth §3.1, grafana-auth §3.4: `api_key`). */
  readonly keyBasicUsers: readonly string[];
  /** Basic-auth user names whose password PMM's auth layer takes as a token (pmm-auth §2.3; 3.x adds `service_token`). */
  readonly pmmTokenBasicUsers: readonly string[];
  /**
   * How pmm-managed learns a token's role (pmm-auth §2.3): `apiKey` — Percona's /api/auth/key with
   * the caller's headers (2.41); `serviceAccountFirst` — /api/auth/serviceaccount with `Bearer <t>`,
   * falling back to /api/auth/key when Grafana says the method is not a service-account token (3.x).
   */
  readonly pmmTokenCheck: 'apiKey' | 'serviceAccountFirst';
  /** GET /api/auth/keys items carry `lastUsedAt` after `expiration` (omitempty; 10.x+, grafana-auth §1.5). */
  readonly keyListLastUsedAt: boolean;
  /** POST /api/auth/keys: `allowed` (9.2, 11.0–11.2) or `removed` → 410 (11.3+, grafana-auth §5.1). */
  readonly legacyKeyCreation: 'allowed' | 'removed';
  /** Other Grafana versions the profile can run with (`--grafana-version`), and what changes with them. */
  readonly grafanaVariants: Readonly<Record<string, GrafanaVariant>>;
  /** Grafana's user and org-user endpoints (pmm-auth §5: what PMM's own api-tests create users with). */
  readonly users: UserFacts;
  /** Service-account endpoints and their errors (grafana-auth §5.3); null where the profile does not serve them. */
  readonly serviceAccounts: ServiceAccountFacts | null;
  /** Valid role strings for POST /api/auth/keys, compared case-sensitively in 9.x (grafana-auth §1.2). */
  readonly keyRoles: readonly OrgRole[];
  /** Grafana's failure responses of identity resolution. */
  readonly authFailures: Readonly<Record<AuthFailureKind, GrafanaError>>;
  /** Grafana's answer to /api/user for a caller that is not a user (an API key), grafana-auth §6.2. */
  readonly userEndpointForKeys: GrafanaError;
  /** HTTP status of the auth layer's "role too low" answer (401 in 2.41, pmm-auth §1.4). */
  readonly accessDeniedStatus: number;
  /**
   * Unknown routes behind the auth layer (pmm-auth §2.6): `httpError` — PMM's handler,
   * {error, code 5, message "Not Found"} (2.41, text UNVERIFIED); `gatewayDefault` — grpc-gateway's
   * default, {code 5, message "Endpoint not found: <path>, http method: <METHOD>", details} (3.x).
   */
  readonly unknownRoute: 'httpError' | 'gatewayDefault';
  /** grpc-gateway marshaller: emit unpopulated fields (false in 2.41, pmm-auth §2.6). */
  readonly emitUnpopulated: boolean;
  /** The docs' two requests (shared/seeds/pmm-api-keys.txt) as this release words them: the version path, the Basic user of a token. */
  readonly docsRequests: { readonly versionPath: string; readonly tokenBasicUser: string };
  /** Behaviour switches (faithful values in mock/profiles/behaviour.ts). */
  readonly behaviour: Behaviour;
  /** Default ports of the real product (the mock's CLI defaults are unprivileged). */
  readonly productPorts: { readonly https: number; readonly http: number };
}
