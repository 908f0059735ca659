/**
 * The one table of what the client cases do differently against PMM 2 and PMM 3 (issue 6): the
 * endpoint a Viewer reads, the Basic user name that carries a key, the kind of key the cases
 * use, and how an admin creates one. The cases read a row of it; they never ask which profile
 * runs.
 */
import { pmm2 } from '../../mock/profiles/pmm2.ts';
import { pmm3 } from '../../mock/profiles/pmm3.ts';
import type { Profile } from '../../mock/profiles/types.ts';

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

export interface HarnessProfile {
  readonly name: ProfileName;
  /** The report's column title. */
  readonly title: string;
  readonly mock: Profile;
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
}

const PMM2: HarnessProfile = {
  name: 'pmm2',
  title: 'PMM 2',
  mock: pmm2,
  // pmm-auth §3.1: 2.41 GET /v1/version, role viewer; pmm-auth §2.3 (2.41), §3.4: the docs' `https://api_key:API_KEY@host`.
  versionPath: pmm2.docsRequests.versionPath,
  basicUser: pmm2.docsRequests.tokenBasicUser,
  // pmm-auth §4.1: PMM 2.41 uses Grafana API keys.
  keyKind: 'legacy',
  tricky: { kind: 'legacy', basicUser: 'api_key', why: 'PMM 2 keys are standard base64 (grafana-auth §2.1)' },
  // grafana-auth §1.2–1.4: POST /api/auth/keys {name, role, secondsToLive} → 200 {id, name, key}.
  create: { role: 'Editor', steps: [{ path: '/graph/api/auth/keys', body: { name: '{name}', role: 'Editor', secondsToLive: 3600 }, status: 200, take: 'key' }] },
};

const PMM3: HarnessProfile = {
  name: 'pmm3',
  title: 'PMM 3',
  mock: pmm3,
  // pmm-auth §3.1: 3.x GET /v1/server/version, role viewer (/v1/version is only a rewrite);
  // pmm-auth §2.3 (3.x), §3.4: Basic `service_token:<token>`, the 3.x docs' `service_token:<token>@host`.
  versionPath: pmm3.docsRequests.versionPath,
  basicUser: pmm3.docsRequests.tokenBasicUser,
  // pmm-auth §4.2: PMM 3 creates service accounts and glsa_ tokens.
  keyKind: 'token',
  // glsa_ tokens are [A-Za-z0-9_] only: nothing to percent-decode. PMM 3 keeps accepting a migrated
  // PMM 2 key unchanged as `api_key:<key>` (pmm-auth §2.3, §3.4 "If you convert it from API key, it will not change").
  tricky: { kind: 'legacy', basicUser: 'api_key', why: 'glsa_ tokens need no percent-encoding; a PMM 2 key carried over to PMM 3 does (pmm-auth §3.4, §4.2)' },
  // grafana-auth §5.3: POST /api/serviceaccounts {name, role} → 201 {id…}; POST …/:id/tokens {name, secondsToLive} → 200 {id, name, key}.
  create: {
    role: 'Editor',
    steps: [
      { path: '/graph/api/serviceaccounts', body: { name: '{name}', role: 'Editor' }, status: 201, take: 'id' },
      { path: '/graph/api/serviceaccounts/{id}/tokens', body: { name: '{name}', secondsToLive: 3600 }, status: 200, take: 'key' },
    ],
  },
};

export const HARNESS_PROFILES: Readonly<Record<ProfileName, HarnessProfile>> = { pmm2: PMM2, pmm3: PMM3 };

/** `--profile pmm2|pmm3|all` → the profiles to run, in table order; undefined for anything else. */
export function parseProfiles(value: string): HarnessProfile[] | undefined {
  if (value === 'all') return PROFILE_NAMES.map((n) => HARNESS_PROFILES[n]);
  return (PROFILE_NAMES as readonly string[]).includes(value) ? [HARNESS_PROFILES[value as ProfileName]] : undefined;
}

/** What a profile's column means, for the reports. */
export function describeProfile(p: HarnessProfile): { name: ProfileName; title: string; server: string; key: string; basicUser: string; versionPath: string; createKey: string } {
  return {
    name: p.name,
    title: p.title,
    server: p.mock.title,
    key: p.keyKind === 'legacy' ? 'legacy API key (base64 JSON)' : 'glsa_ service-account token',
    basicUser: p.basicUser,
    versionPath: p.versionPath,
    createKey: p.create.steps.map((s) => `POST ${s.path}`).join(', then '),
  };
}
