/**
 * What the mock is started with and what a started mock is (mock/server.ts starts it; the CLI,
 * the programmatic API and the test harnesses build these).
 */
import type { Clock } from './clock.ts';
import type { Deviation } from './deviations.ts';
import type { SecretShape } from './identity/key-codec.ts';
import type { Journal } from './journal.ts';
import type { OrgRole, Profile } from './profiles/types.ts';
import type { RandomBytes } from './random.ts';
import type { Scenario } from './scenarios/types.ts';
import type { NewUser } from './rows.ts';
import type { Store } from './store.ts';
import type { CertPair, CertStyle } from './tls/certs.ts';
import type { PersonalitySet } from './tls/personalities.ts';

export interface SeedKey {
  readonly name: string;
  readonly role: OrgRole;
  /** 0 or absent: never expires. */
  readonly secondsToLive?: number;
  /** A scenario's legacy key may ask for a secret with `+ / =` in its key (auth-bugs §B10). */
  readonly secretShape?: SecretShape;
}

export interface MockOptions {
  readonly profile: Profile;
  readonly host: string;
  /** 0 = any free port. */
  readonly httpsPort: number;
  /** 0 = any free port; -1 = no plain HTTP listener. */
  readonly httpPort: number;
  readonly adminPassword: string;
  readonly users: readonly NewUser[];
  readonly seedKeys: readonly SeedKey[];
  /** Profiles with service accounts: each creates account NAME (role ROLE) and a `glsa_` token NAME. */
  readonly seedTokens?: readonly SeedKey[];
  readonly keyMaxSecondsToLive: number;
  /** grafana-auth §6.1: `[auth.basic] enabled` (default true; a scenario may turn it off, auth-bugs §B9). */
  readonly basicAuthEnabled?: boolean;
  /** The bug-reproduction scenario to start in (`--scenario`, `--scenario-file`; fixtures/scenarios/README.md). */
  readonly scenario?: Scenario;
  /** The main HTTPS listener's certificate: a user-supplied pair, a generated style, or a personality. */
  readonly tls:
    | { readonly certFile: string; readonly keyFile: string }
    | { readonly certDir: string; readonly style: CertStyle }
    | { readonly certDir: string; readonly personality: string };
  /** Certificate personalities to serve, each on its own HTTPS port (free ports), sharing the app and store. */
  readonly personalities?: { readonly certDir: string; readonly names: readonly string[] };
  readonly journalCapacity?: number;
  /** Connection timeouts (ms), each defaulting to DEFAULT_TIMEOUTS (nginx's); tests use short ones. */
  readonly timeouts?: Partial<MockTimeouts>;
  /** Test-only deviations for the suite's self-check (mock/deviations.ts). */
  readonly deviations?: readonly Deviation[];
  readonly clock?: Clock;
  readonly random?: RandomBytes;
  readonly log?: (line: string) => void;
}

export interface RunningMock {
  readonly httpsUrl: string;
  readonly httpUrl: string | null;
  readonly httpsPort: number;
  readonly httpPort: number | null;
  /** The certificate the main HTTPS listener serves. */
  readonly certificate: CertPair;
  /** The file that verifies the main HTTPS listener: the certificate itself, or the test root CA for a personality. */
  readonly caFile: string;
  /** Personality listeners by name. */
  readonly personalities: Readonly<Record<string, { readonly url: string; readonly port: number }>>;
  /** The generated personality set, when one is served. */
  readonly personalitySet: PersonalitySet | null;
  /** Seeded keys and tokens by name: the only place a whole key is given out after creation. */
  readonly keys: Readonly<Record<string, string>>;
  /** The scenario's users' generated passwords by login (empty without a scenario). */
  readonly passwords: Readonly<Record<string, string>>;
  /** The scenario it started in, if any. */
  readonly scenario: Scenario | null;
  readonly store: Store;
  readonly clock: Clock;
  readonly journal: Journal;
  close(): Promise<void>;
}

/** How long the mock waits on a client, in milliseconds (README: "Stalled and idle connections"). */
export interface MockTimeouts {
  /** From accept to a finished TLS handshake; then the socket is closed (no answer: there is no TLS session to answer on). */
  readonly handshakeMs: number;
  /** From the connection (or, over TLS, the handshake) to a complete request header; then the socket is closed without an answer. */
  readonly headerMs: number;
  /** An idle keep-alive connection after an answer, before the next request starts; then it is closed (Node adds 1 s). */
  readonly keepAliveMs: number;
  /** The whole request, body included (Node's requestTimeout; nginx has no such limit); not less than headerMs. */
  readonly requestMs: number;
}

/**
 * nginx's, as PMM runs it. pmm-auth §1.1: PMM's nginx sets no `client_header_timeout`, so it is
 * nginx's default, 60 s; nginx also times the TLS handshake with it (`ngx_http_init_connection`
 * and `ngx_http_ssl_handshake` in nginx's src/http/ngx_http_request.c arm that timer), so the
 * handshake timeout is 60 s too (Node's own default is 120 s). `keepalive_timeout 65;` is set in
 * PMM's http-level `nginx.conf` (the file pmm-auth §1.1 cites for the security headers; seen at the
 * 3.x path `build/ansible/roles/nginx/files/nginx.conf`, UNVERIFIED for 2.41's copy; nginx's own
 * default is 75 s). nginx has no whole-request limit (`client_body_timeout` 60 s is between two
 * reads): Node's default requestTimeout, 300 s, is kept.
 */
export const DEFAULT_TIMEOUTS: MockTimeouts = {
  handshakeMs: 60_000,
  headerMs: 60_000,
  keepAliveMs: 65_000,
  requestMs: 300_000,
};
