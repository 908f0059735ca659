/**
 * One in-process mock per profile, serving every certificate personality, with the keys the
 * client cases use. Each profile's mock is started once per run and shared by every client.
 */
import { randomBytes } from 'node:crypto';
import { createServiceAccount } from '../../mock/grafana/service-accounts.ts';
import { resolveIdentity } from '../../mock/identity/resolve.ts';
import { newLegacyKey, newPrefixedKey, PREFIXED_KEY_START } from '../../mock/identity/key-codec.ts';
import { cryptoRandom } from '../../mock/random.ts';
import { startMock, type RunningMock } from '../../mock/server.ts';
import { ORG_ID } from '../../mock/store.ts';
import { DEFAULT_CERT_DIR } from '../../mock/tls/certs.ts';
import { PERSONALITY_NAMES } from '../../mock/tls/personalities.ts';
import type { HarnessProfile, KeyKind } from './profiles.ts';

export interface HarnessKeys {
  readonly viewer: string;
  readonly admin: string;
  /** Expired a minute before the mock started (written in the past, not a short lifetime). */
  readonly expired: string;
  /** A legacy key whose base64 holds '+', '/' and '='. */
  readonly tricky: string;
}

export interface HarnessMock {
  readonly profile: HarnessProfile;
  readonly mock: RunningMock;
  readonly adminPassword: string;
  readonly keys: HarnessKeys;
  /** The org role the mock gives a key (null when it does not authenticate). */
  roleOf(key: string): string | null;
}

const SEEDS = [
  { name: 'client-viewer', role: 'Viewer' },
  { name: 'client-admin', role: 'Admin' },
] as const;

/**
 * The tricky key's name decides its characters: '?' and '~' where they fall on the third byte of
 * a base64 group give '/' and '+', and a length that is not a multiple of 3 gives padding.
 */
const TRICKY_NAME = 'cl?ie~nt-decode1';
/** grafana-auth §2.1: base64 of `{"k":…` always starts so. */
const LEGACY_KEY_START = 'eyJr';
const EXPIRED_NAME = 'client-expired';

function addLegacyKey(mock: RunningMock, name: string, expires: number | null): string {
  const { key, secret } = newLegacyKey(cryptoRandom, name, ORG_ID);
  mock.store.addKey({ orgId: ORG_ID, name, role: 'Viewer', expires, createdMs: mock.clock.nowMs() }, secret);
  return key;
}

/** A Viewer service account with one token (grafana-auth §2.2, §5.3). */
function addToken(mock: RunningMock, name: string, expires: number | null): string {
  const sa = createServiceAccount({ store: mock.store, clock: mock.clock }, { name, role: 'Viewer', isDisabled: false });
  const token = newPrefixedKey(cryptoRandom);
  mock.store.addToken({ orgId: ORG_ID, name, role: 'Viewer', expires, createdMs: mock.clock.nowMs(), serviceAccountId: sa.id }, token);
  return token;
}

function expiredKey(mock: RunningMock, kind: KeyKind): string {
  const expires = mock.clock.nowUnix() - 60; // grafana-auth §4: rejected when expires <= now
  return kind === 'legacy' ? addLegacyKey(mock, EXPIRED_NAME, expires) : addToken(mock, EXPIRED_NAME, expires);
}

function trickyKey(mock: RunningMock): string {
  const key = addLegacyKey(mock, TRICKY_NAME, null);
  if (!(key.includes('+') && key.includes('/') && key.endsWith('='))) throw new Error(`the key of "${TRICKY_NAME}" lacks +, / or =: ${key.slice(0, 8)}…`);
  return key;
}

export async function startHarnessMock(profile: HarnessProfile): Promise<HarnessMock> {
  const adminPassword = randomBytes(9).toString('base64url');
  const mock = await startMock({
    profile: profile.mock,
    host: '127.0.0.1',
    httpsPort: 0,
    httpPort: -1,
    adminPassword,
    users: [],
    // pmm-auth §4.1/§4.2: legacy keys on PMM 2, service-account tokens on PMM 3.
    ...(profile.keyKind === 'legacy' ? { seedKeys: SEEDS, seedTokens: [] } : { seedKeys: [], seedTokens: SEEDS }),
    keyMaxSecondsToLive: -1,
    tls: { certDir: DEFAULT_CERT_DIR, personality: 'valid' },
    personalities: { certDir: DEFAULT_CERT_DIR, names: PERSONALITY_NAMES },
    log: () => undefined,
  });
  const keys: HarnessKeys = { viewer: mock.keys['client-viewer']!, admin: mock.keys['client-admin']!, expired: expiredKey(mock, profile.keyKind), tricky: trickyKey(mock) };
  const resolve = (key: string) => resolveIdentity(`Bearer ${key}`, { store: mock.store, clock: mock.clock, profile: profile.mock });
  const h: HarnessMock = {
    profile,
    mock,
    adminPassword,
    keys,
    roleOf(key) {
      const r = resolve(key);
      return r.ok ? r.identity.orgRole : null;
    },
  };
  try {
    checkKeys(h, resolve);
  } catch (e) {
    await mock.close();
    throw e;
  }
  return h;
}

/** Fails fast when the mock does not treat the harness's keys as the cases assume (a verdict would mean nothing). */
function checkKeys(h: HarnessMock, resolve: (key: string) => ReturnType<typeof resolveIdentity>): void {
  const problem = (what: string) => new Error(`client harness, ${h.profile.name} mock: ${what}`);
  const prefix = h.profile.keyKind === 'token' ? PREFIXED_KEY_START : LEGACY_KEY_START;
  for (const [name, role] of [['viewer', 'Viewer'], ['admin', 'Admin'], ['tricky', 'Viewer']] as const) {
    const got = h.roleOf(h.keys[name]);
    if (got !== role) throw problem(`the ${name} key authenticates as ${got ?? 'nobody'}, not ${role}`);
  }
  for (const name of ['viewer', 'admin', 'expired'] as const) {
    if (!h.keys[name].startsWith(prefix)) throw problem(`the ${name} key is not a ${h.profile.keyKind} key (${h.keys[name].slice(0, 4)}…)`);
  }
  const expired = resolve(h.keys.expired);
  if (expired.ok || expired.failure !== 'expiredApiKey') throw problem(`the expired key is not rejected as expired (${expired.ok ? 'accepted' : expired.failure})`);
}
