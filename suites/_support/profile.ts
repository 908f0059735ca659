/**
 * What the suite expects of each product profile, as data (one table, no if-chains in the
 * cases): PMM 2.41 with Grafana 9.2.20, PMM 3.0 with Grafana 11.1.8 (pmm-auth §0, grafana-auth §0).
 * Cases that apply to both read their paths and Grafana bodies from here.
 */
import type { Target } from './target.ts';

export type ProfileName = 'pmm2' | 'pmm3';
export const PROFILES: readonly ProfileName[] = ['pmm2', 'pmm3'];

/** grafana-auth §3.5: an 11.x typed error body (Go sorts the keys; `extra` is null). */
export const typedError = (message: string, messageId: string, statusCode = 401): Record<string, unknown> => ({
  extra: null,
  message,
  messageId,
  statusCode,
  traceID: '',
});

export interface ProfileFacts {
  /** "PMM 2.41" / "PMM 3.0", for titles and reasons. */
  readonly label: string;
  /** pmm-auth §3.1: the version endpoint (viewer) and the major version it reports. */
  readonly versionPath: string;
  readonly versionMajor: RegExp;
  /** pmm-auth §3.2: the readiness endpoint (role none). */
  readonly readyzPath: string;
  /**
   * Where Grafana itself checks the suite's credential, past no PMM auth cache (`/graph` is role
   * none): the Percona route pmm-managed asks with it (pmm-auth §2.3: /api/auth/key in 2.41,
   * /api/auth/serviceaccount for a token in 3.x).
   */
  readonly credentialCheckPath: string;
  /** What the suite authenticates with: a legacy API key (2.41) or a service-account token (3.x, pmm-auth §4.2). */
  readonly credential: 'key' | 'SA token';
  /** Grafana's own bodies under /graph/api for auth failures. */
  readonly grafana: {
    /** No credentials on a route that needs sign-in (grafana-auth §3.6; 11.x grafana-auth §3.5, LIKELY). */
    readonly unauthorized: Record<string, unknown>;
    /** A well-formed legacy key of no existing name (grafana-auth §3.2; 11.x grafana-auth §3.5, LIKELY). */
    readonly unknownKey: Record<string, unknown>;
    /** `bearer <key>` (lower case): Basic parsing fails in 9.2 (grafana-auth §3.1); no authn client in 11.x (grafana-auth §3.4, LIKELY). */
    readonly lowerCaseBearer: Record<string, unknown>;
    /** An expired key or token (grafana-auth §3.2; grafana-auth §3.5). */
    readonly expired: Record<string, unknown>;
  };
  /** POST /api/auth/keys with role "viewer": 9.x refuses it, 11.x title-cases it (grafana-auth §1.2). */
  readonly lowerCaseRole: 'refused' | 'Viewer';
}

export const FACTS: Readonly<Record<ProfileName, ProfileFacts>> = {
  pmm2: {
    label: 'PMM 2.41',
    versionPath: '/v1/version',
    versionMajor: /^2\./,
    readyzPath: '/v1/readyz',
    credentialCheckPath: '/graph/api/auth/key',
    credential: 'key',
    grafana: {
      unauthorized: { message: 'Unauthorized' },
      unknownKey: { message: 'invalid Service Token/API key', traceID: '' },
      lowerCaseBearer: { message: 'Invalid Basic Auth Header', traceID: '' },
      expired: { message: 'Expired API key' },
    },
    lowerCaseRole: 'refused',
  },
  pmm3: {
    label: 'PMM 3.0',
    versionPath: '/v1/server/version',
    versionMajor: /^3\./,
    readyzPath: '/v1/server/readyz',
    credentialCheckPath: '/graph/api/auth/serviceaccount',
    credential: 'SA token',
    grafana: {
      unauthorized: typedError('Unauthorized', 'auth.unauthorized'),
      unknownKey: { message: 'Unauthorized', traceID: '' },
      lowerCaseBearer: typedError('Unauthorized', 'auth.unauthorized'),
      expired: typedError('Expired API key', 'api-key.expired'),
    },
    lowerCaseRole: 'Viewer',
  },
};

/** The facts of `t`'s profile (a target that is neither PMM 2 nor PMM 3 is refused before any case, detect.ts). */
export function facts(t: Pick<Target, 'profile'>): ProfileFacts {
  return FACTS[t.profile];
}

/** [major, minor] of a version string such as "11.3.0"; null when it does not parse. */
function majorMinor(version: string | null): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** grafana-auth §5.1: Grafana ≥ 11.3 answers POST /api/auth/keys with 410. */
export function grafanaRemovedKeyCreation(t: Pick<Target, 'grafanaVersion'>): boolean {
  const v = majorMinor(t.grafanaVersion);
  return v !== null && (v[0] > 11 || (v[0] === 11 && v[1] >= 3));
}
