/** The fault vocabulary (fixtures/scenarios/scenario.schema.json `$defs/fault`; README there). */

export const FAULT_NAMES = [
  'reset',
  'close',
  'empty-200',
  'truncated-json',
  'malformed-json',
  'delay',
  'status',
  'strip-authorization',
  'replace-authorization',
  'www-authenticate',
  'auth-cache',
  'redirect-root-without-port',
  'revoke-after',
  'migration-pending',
  'clock-jump',
  'redirect',
  'duplicate-key-500',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** Which requests a fault applies to; every selector given must hold (README "Faults"). */
export interface FaultSelectors {
  readonly method?: string;
  /** A glob over the path: `*` within a segment, `**` across segments. */
  readonly path?: string;
  readonly withCredentials?: boolean;
  /** Only the N-th matching request (1-based). */
  readonly nth?: number;
  /** Only matching requests after the first N. */
  readonly after?: number;
  /** Every N-th matching request. */
  readonly every?: number;
  /** Chance per matching request, from a seeded source (`seed`, else the scenario's). */
  readonly probability?: number;
  readonly seed?: string;
}

/** `other-port`: HTTPS → the mock's HTTP listener; `other-host`: the same listener as `localhost`; or a URL. */
export type RedirectTarget = 'other-port' | 'other-host' | string;

export type StatusLayer = 'nginx-502' | 'pmm-internal' | 'grafana-500-invalid-key';

export type FaultSpec = FaultSelectors &
  (
    | {
        readonly name:
          | 'reset'
          | 'close'
          | 'empty-200'
          | 'truncated-json'
          | 'malformed-json'
          | 'strip-authorization'
          | 'redirect-root-without-port'
          | 'migration-pending'
          | 'duplicate-key-500';
      }
    | { readonly name: 'delay'; readonly ms: number }
    | { readonly name: 'status'; readonly layer: StatusLayer }
    | { readonly name: 'replace-authorization'; readonly user?: string; readonly password?: string }
    | { readonly name: 'www-authenticate'; readonly realm?: string }
    | { readonly name: 'auth-cache'; readonly ttlSeconds?: number }
    | { readonly name: 'revoke-after'; readonly uses: number; readonly key?: string }
    | { readonly name: 'clock-jump'; readonly seconds: number }
    | { readonly name: 'redirect'; readonly status?: 301 | 302 | 303 | 307 | 308; readonly to: RedirectTarget }
  );
