/**
 * The target of the server suite: a plain, serialisable description handed from globalSetup to
 * the test workers (vitest `provide`/`inject`). Built from the environment, named like
 * pmm-admin's flags: PMM_SERVER_URL, PMM_SERVER_INSECURE_TLS, PMM_SERVER_CA_FILE.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ProfileName } from './profile.ts';

export interface Target {
  /** `mock`: the target has the mock's /__mock control API (clock, journal); `real`: it does not. */
  readonly kind: 'mock' | 'real';
  /** Started by the suite itself (no PMM_SERVER_URL). */
  readonly embedded: boolean;
  /** `https://host:port`, without credentials. */
  readonly baseUrl: string;
  /** PEM of the CA to trust, for the suite's own requests only. */
  readonly ca: string | null;
  readonly insecure: boolean;
  readonly admin: { readonly login: string; readonly password: string };
  /** PMM_SUITE_READ_ONLY=1: create nothing, run read-only cases only. */
  readonly readOnly: boolean;
  /** PMM_SUITE_STRICT=1: SHOULD/OBSERVED deviations of a real target fail the run too. */
  readonly strict: boolean;
  /** Every key the suite creates is named `pmmconf-<runId>-…`. */
  readonly runId: string;
  /** Detected by probing /v1/version and /v1/server/version; a target that is neither is refused (detect.ts). */
  readonly profile: ProfileName;
  readonly version: string | null;
  /** Grafana's version from GET /graph/api/health `version` (grafana-auth §6.3); null when hidden. */
  readonly grafanaVersion: string | null;
  /** The vitest project that runs against this target (labels reports: one section per project). */
  readonly project: string;
  /**
   * Grafana org users with known passwords, for the Basic-user role matrix. Only an embedded mock
   * has them (started with --user); on any other target the suite creates no users: empty.
   */
  readonly users: readonly SuiteUser[];
  /** Where workers log the keys they create and delete (for the final clean-up and count). */
  readonly ledgerFile: string;
  /**
   * How long cases poll for a change that PMM's auth cache may delay (a deleted or expired key
   * still working, pmm-auth §2.4: 3–6 s): 10 s, or PMM_SUITE_MOCK_POLL_SECONDS on a mock target.
   */
  readonly pollSeconds: number;
}

export interface SuiteUser {
  readonly login: string;
  readonly password: string;
  readonly role: 'Viewer' | 'Editor' | 'Admin';
}

declare module 'vitest' {
  export interface ProvidedContext {
    target: Target;
  }
}

/**
 * The target cannot be tested: a bad setting (the message says which variable to set), or a
 * target that is unreachable, not PMM, or refuses the admin credentials. One line; the suite's
 * entry point prints it and exits 2, globalSetup prints it before vitest's own report of the error.
 */
export class TargetConfigError extends Error {}

/** pmm-auth §2.4: PMM caches a successful authentication for 3–6 s; 10 s leaves a margin. */
export const AUTH_CACHE_POLL_SECONDS = 10;

/**
 * The poll bound for a target: 10 s, except on a mock (`kind: 'mock'`, a target with the /__mock
 * control API), which does not model PMM's auth cache: there PMM_SUITE_MOCK_POLL_SECONDS may
 * shorten it (the self-check does, so that a deviation that never changes state fails sooner).
 * A real PMM always gets 10 s.
 */
export function pollSecondsFor(kind: Target['kind'], env: NodeJS.ProcessEnv): number {
  const raw = env.PMM_SUITE_MOCK_POLL_SECONDS;
  if (kind !== 'mock' || raw === undefined || raw === '') return AUTH_CACHE_POLL_SECONDS;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new TargetConfigError(`PMM_SUITE_MOCK_POLL_SECONDS must be a positive number of seconds, got "${raw}"`);
  return n;
}

const truthy = (v: string | undefined): boolean => v !== undefined && ['1', 'true', 'yes'].includes(v.toLowerCase());

/** Reads PMM_SERVER_URL & co.; undefined when PMM_SERVER_URL is unset (→ the embedded mock). */
export function targetFromEnv(
  env: NodeJS.ProcessEnv,
): Pick<Target, 'baseUrl' | 'ca' | 'insecure' | 'admin' | 'readOnly' | 'strict'> | undefined {
  const raw = env.PMM_SERVER_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetConfigError(
      `PMM_SERVER_URL is not a URL: expected https://admin:PASSWORD@host:443, got "${raw.replace(/\/\/[^@/]*@/, '//…@')}"`,
    );
  }
  if (url.protocol !== 'https:')
    throw new TargetConfigError(
      `PMM_SERVER_URL must be https://admin:PASSWORD@host:port, got ${url.protocol}//… (the suite talks HTTPS only)`,
    );
  if (url.username === '' || url.password === '')
    throw new TargetConfigError('PMM_SERVER_URL must carry the admin credentials: https://admin:PASSWORD@host:443');
  // pmm-auth §1.1: PMM serves its API and Grafana (/graph) from the root of its host, and the
  // suite's paths are absolute (/v1/…, /graph/api/…): a path would be dropped, so it is refused.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    throw new TargetConfigError(
      `PMM_SERVER_URL must name the PMM server without a path, got "${url.pathname}${url.search}${url.hash}" after the host: PMM serves /v1/… and /graph/ at the root of its host (pmm-auth §1.1); set PMM_SERVER_URL=https://${url.username ? '…@' : ''}${url.host}`,
    );
  const insecure = truthy(env.PMM_SERVER_INSECURE_TLS);
  const caFile = env.PMM_SERVER_CA_FILE;
  if (insecure && caFile) throw new TargetConfigError('set PMM_SERVER_INSECURE_TLS or PMM_SERVER_CA_FILE, not both');
  let ca: string | null = null;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new TargetConfigError(
        `PMM_SERVER_CA_FILE=${caFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): name the PEM file of the CA that issued PMM's certificate, or set PMM_SERVER_INSECURE_TLS=1 instead`,
      );
    }
    try {
      new X509Certificate(ca);
    } catch {
      throw new TargetConfigError(
        `PMM_SERVER_CA_FILE=${caFile} is not a PEM certificate: name the PEM file of the CA that issued PMM's certificate, or set PMM_SERVER_INSECURE_TLS=1 instead`,
      );
    }
  }
  return {
    baseUrl: `${url.protocol}//${url.host}`,
    ca,
    insecure,
    admin: { login: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
    readOnly: truthy(env.PMM_SUITE_READ_ONLY),
    strict: truthy(env.PMM_SUITE_STRICT),
  };
}
