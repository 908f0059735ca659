/**
 * The one table of what the client harness does differently against PMM 2 and PMM 3 (issue 6):
 * the endpoint a Viewer reads, the Basic user name that carries a key, the kind of key the cases
 * use, how an admin creates one, and how the product says whose key it is. The cases and the
 * harness's mock driver read a row of it; they never ask which profile runs. The facts are the
 * reference's (../shared/reference/), not the mock's: the harness is black-box.
 */

export const PROFILE_NAMES = ['pmm2', 'pmm3'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * `legacy`: a Grafana API key, base64 of `{"k","n","id"}` (grafana-auth §2.1);
 * `token`: a service-account token `glsa_<32 alnum>_<crc32>` (grafana-auth §2.2).
 */
export type KeyKind = 'legacy' | 'token';

/** One JSON POST of the key-creation recipe, made as admin; `{name}` and `{id}` are filled in. */
export interface CreateStep {
  readonly path: string;
  readonly body: Readonly<Record<string, string | number>>;
  /** The status the product answers on success. */
  readonly status: number;
  /** The field of the answer that the next step needs (`id`), or the new key (`key`, last step). */
  readonly take: 'id' | 'key';
}

/** A product request that names the caller of `Authorization: Bearer <key>`; its answer's `role` is the key's org role. */
export interface WhoAmI {
  readonly path: string;
}

export interface HarnessProfile {
  readonly name: ProfileName;
  /** The report's column title. */
  readonly title: string;
  /** The product the column stands for (the report's "server"). */
  readonly server: string;
  /** The mock's `--profile` for it, and the `profile` its `GET /__mock/routes` names. */
  readonly mockProfile: string;
  /** A GET that a Viewer key may make. */
  readonly versionPath: string;
  /** The Basic user name of `https://USER:KEY@host` in the userinfo cases. */
  readonly basicUser: string;
  /** The kind of the viewer, admin and expired keys. */
  readonly keyKind: KeyKind;
  /** client.userinfo.decode needs a key with +, / and =: always a legacy key, sent with this user. */
  readonly tricky: { readonly kind: 'legacy'; readonly basicUser: string; readonly why: string };
  /** client.create-key: the admin's requests; the last answer's `key` must authenticate as `role`. */
  readonly create: { readonly role: 'Editor'; readonly steps: readonly CreateStep[] };
  /** How the harness mints its own viewer, admin and expired keys as admin: `{name}`, `{role}`, `{ttl}` are filled in. */
  readonly mint: readonly CreateStep[];
  /** Whose key it is, per key kind: the product's own answer (role, or the expired-key refusal). */
  readonly whoAmI: Readonly<Record<KeyKind, WhoAmI>>;
}

/** How a key of each kind starts: grafana-auth §2.1 (base64 of `{"k":…`), grafana-auth §2.2 (`glsa_`). */
export const KEY_START: Readonly<Record<KeyKind, string>> = { legacy: 'eyJr', token: 'glsa_' };

/**
 * The refusal of an expired key: grafana-auth §3.2 (9.2: 401 `{"message":"Expired API key"}`) and
 * grafana-auth §3.5 (11.x: 401, message "Expired API key", messageId `api-key.expired`).
 */
export const EXPIRED_ANSWER = { status: 401, message: 'Expired API key' } as const;

/** grafana-auth §1.2: POST /api/auth/keys {name, role, secondsToLive}; grafana-auth §1.4: → 200 {id, name, key}. */
export const LEGACY_MINT: readonly CreateStep[] = [
  {
    path: '/graph/api/auth/keys',
    body: { name: '{name}', role: '{role}', secondsToLive: '{ttl}' },
    status: 200,
    take: 'key',
  },
];

/**
 * grafana-auth §1.1: Percona's GET /api/auth/key answers the calling key's `role` (pmm-auth §2.3:
 * what pmm-managed 2.41 asks); grafana-auth §5.3: Percona's GET /api/auth/serviceaccount answers
 * the calling token's account with its `role` (pmm-auth §2.3: what pmm-managed 3.x asks). A legacy
 * key is asked about through /api/auth/key on both: /api/auth/serviceaccount would migrate it.
 */
const WHO_AM_I: Readonly<Record<KeyKind, WhoAmI>> = {
  legacy: { path: '/graph/api/auth/key' },
  token: { path: '/graph/api/auth/serviceaccount' },
};

const PMM2: HarnessProfile = {
  name: 'pmm2',
  title: 'PMM 2',
  // pmm-auth §0: the pinned versions.
  server: 'PMM 2.41.0 (Grafana 9.2.20, Percona fork)',
  mockProfile: 'pmm2',
  // pmm-auth §3.1: 2.41 GET /v1/version, role viewer.
  versionPath: '/v1/version',
  // pmm-auth §3.4: the 2.41 docs' `https://api_key:API_KEY@host`.
  basicUser: 'api_key',
  // pmm-auth §4.1: PMM 2.41 uses Grafana API keys.
  keyKind: 'legacy',
  tricky: { kind: 'legacy', basicUser: 'api_key', why: 'PMM 2 keys are standard base64 (grafana-auth §2.1)' },
  // grafana-auth §1.2: POST /api/auth/keys {name, role, secondsToLive}; grafana-auth §1.4: → 200 {id, name, key}.
  create: {
    role: 'Editor',
    steps: [
      {
        path: '/graph/api/auth/keys',
        body: { name: '{name}', role: 'Editor', secondsToLive: 3600 },
        status: 200,
        take: 'key',
      },
    ],
  },
  mint: LEGACY_MINT,
  whoAmI: WHO_AM_I,
};

const PMM3: HarnessProfile = {
  name: 'pmm3',
  title: 'PMM 3',
  // pmm-auth §0: the pinned versions.
  server: 'PMM 3.0.0 (Grafana 11.1.8, Percona fork)',
  mockProfile: 'pmm3',
  // pmm-auth §3.1: 3.x GET /v1/server/version, role viewer (/v1/version is only a rewrite).
  versionPath: '/v1/server/version',
  // pmm-auth §2.3: 3.x takes a token from Basic `service_token:<token>`; pmm-auth §3.4: the 3.x docs' `service_token:<token>@host`.
  basicUser: 'service_token',
  // pmm-auth §4.2: PMM 3 creates service accounts and glsa_ tokens.
  keyKind: 'token',
  // glsa_ tokens are [A-Za-z0-9_] only: nothing to percent-decode. PMM 3 keeps accepting a migrated
  // PMM 2 key unchanged as `api_key:<key>` (pmm-auth §2.3; pmm-auth §3.4: "If you convert it from API key, it will not change").
  tricky: {
    kind: 'legacy',
    basicUser: 'api_key',
    why: 'glsa_ tokens need no percent-encoding; a PMM 2 key carried over to PMM 3 does (pmm-auth §3.4, pmm-auth §4.2)',
  },
  // grafana-auth §5.3: POST /api/serviceaccounts {name, role} → 201 {id…}; POST …/:id/tokens {name, secondsToLive} → 200 {id, name, key}.
  create: {
    role: 'Editor',
    steps: [
      { path: '/graph/api/serviceaccounts', body: { name: '{name}', role: 'Editor' }, status: 201, take: 'id' },
      {
        path: '/graph/api/serviceaccounts/{id}/tokens',
        body: { name: '{name}', secondsToLive: 3600 },
        status: 200,
        take: 'key',
      },
    ],
  },
  // grafana-auth §5.3: the same two requests, with the account's role and the token's lifetime.
  mint: [
    { path: '/graph/api/serviceaccounts', body: { name: '{name}', role: '{role}' }, status: 201, take: 'id' },
    {
      path: '/graph/api/serviceaccounts/{id}/tokens',
      body: { name: '{name}', secondsToLive: '{ttl}' },
      status: 200,
      take: 'key',
    },
  ],
  whoAmI: WHO_AM_I,
};

export const HARNESS_PROFILES: Readonly<Record<ProfileName, HarnessProfile>> = { pmm2: PMM2, pmm3: PMM3 };

/** `--profile pmm2|pmm3|all` → the profiles to run, in table order; undefined for anything else. */
export function parseProfiles(value: string): HarnessProfile[] | undefined {
  if (value === 'all') return PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]);
  return (PROFILE_NAMES as readonly string[]).includes(value) ? [HARNESS_PROFILES[value as ProfileName]] : undefined;
}

/** What a profile's column means, for the reports. */
export function describeProfile(p: HarnessProfile): {
  name: ProfileName;
  title: string;
  server: string;
  key: string;
  basicUser: string;
  versionPath: string;
  createKey: string;
} {
  return {
    name: p.name,
    title: p.title,
    server: p.server,
    key: p.keyKind === 'legacy' ? 'legacy API key (base64 JSON)' : 'glsa_ service-account token',
    basicUser: p.basicUser,
    versionPath: p.versionPath,
    createKey: p.create.steps.map((s) => `POST ${s.path}`).join(', then '),
  };
}
