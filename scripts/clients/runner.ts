/**
 * Runs the client cases for a set of clients against one in-process mock serving every
 * certificate personality, and compares each verdict with the client's expectation file.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveIdentity } from '../../mock/identity/resolve.ts';
import { newLegacyKey } from '../../mock/identity/key-codec.ts';
import { pmm2 } from '../../mock/profiles/pmm2.ts';
import { cryptoRandom } from '../../mock/random.ts';
import { startMock, type RunningMock } from '../../mock/server.ts';
import { ORG_ID } from '../../mock/store.ts';
import { DEFAULT_CERT_DIR } from '../../mock/tls/certs.ts';
import { PERSONALITY_NAMES } from '../../mock/tls/personalities.ts';
import { adapterVersion, runAdapter } from './adapter.ts';
import type { ClientSpec } from './builtins.ts';
import { CLIENT_CASES, type CaseContext, type ClientCase, type Verdict } from './cases.ts';
import { expectedVerdict, loadExpectations } from './expectations.ts';

export interface CaseResult {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly expected: boolean;
  readonly expectedVerdict: Verdict;
  readonly expectationReason?: string;
}

export interface ClientResult {
  readonly version: string | null;
  readonly executable: string | null;
  readonly missing?: string;
  readonly cases: Record<string, CaseResult>;
}

export interface RunResult {
  readonly generated: string;
  readonly profile: string;
  readonly cases: readonly { id: string; level: string; title: string }[];
  readonly clients: Record<string, ClientResult>;
  /** Unexpected verdicts, one line each: what makes the run fail. */
  readonly unexpected: readonly string[];
}

/**
 * A legacy key whose base64 holds '+', '/' and '=' (the percent-decoding case). The name decides
 * it: '?' and '~' where they fall on the third byte of a base64 group give '/' and '+', and a
 * length that is not a multiple of 3 gives padding.
 */
const TRICKY_NAME = 'cl?ie~nt-decode1';

function trickyKey(mock: RunningMock): string {
  const { key, secret } = newLegacyKey(cryptoRandom, TRICKY_NAME, ORG_ID);
  if (!(key.includes('+') && key.includes('/') && key.endsWith('='))) throw new Error(`the key of "${TRICKY_NAME}" lacks +, / or =: ${key.slice(0, 8)}…`);
  mock.store.addKey({ orgId: ORG_ID, name: TRICKY_NAME, role: 'Viewer', expires: null, createdMs: mock.clock.nowMs() }, secret);
  return key;
}

function expiredKey(mock: RunningMock): string {
  const { key, secret } = newLegacyKey(cryptoRandom, 'client-expired', ORG_ID);
  mock.store.addKey({ orgId: ORG_ID, name: 'client-expired', role: 'Viewer', expires: mock.clock.nowUnix() - 60, createdMs: mock.clock.nowMs() }, secret);
  return key;
}

export async function startHarnessMock(): Promise<{ mock: RunningMock; adminPassword: string }> {
  const adminPassword = randomBytes(9).toString('base64url');
  const mock = await startMock({
    profile: pmm2,
    host: '127.0.0.1',
    httpsPort: 0,
    httpPort: -1,
    adminPassword,
    users: [],
    seedKeys: [
      { name: 'client-viewer', role: 'Viewer' },
      { name: 'client-admin', role: 'Admin' },
    ],
    keyMaxSecondsToLive: -1,
    tls: { certDir: DEFAULT_CERT_DIR, personality: 'valid' },
    personalities: { certDir: DEFAULT_CERT_DIR, names: PERSONALITY_NAMES },
    log: () => undefined,
  });
  return { mock, adminPassword };
}

function contextFor(mock: RunningMock, adminPassword: string, client: string, executable: string, caseId: () => string): CaseContext {
  const keys = { viewer: mock.keys['client-viewer']!, admin: mock.keys['client-admin']!, expired: expiredKey(mock), tricky: trickyKey(mock) };
  return {
    url: (p) => mock.personalities[p]?.url ?? mock.httpsUrl,
    caFile: mock.caFile,
    keys,
    adminPassword,
    async run(env) {
      const since = mock.journal.lastSeq;
      const outcome = await runAdapter(executable, { CASE_ID: caseId(), METHOD: 'GET', ...env });
      await sleep(100); // let the server see the connection close
      return { outcome, requests: mock.journal.list(since), tls: mock.journal.listTls(since) };
    },
    async roleOf(key) {
      const r = resolveIdentity(`Bearer ${key}`, { store: mock.store, clock: mock.clock, profile: pmm2 });
      return r.ok ? r.identity.orgRole : null;
    },
  };
}

export async function runClients(
  clients: readonly ClientSpec[],
  cases: readonly ClientCase[] = CLIENT_CASES,
  log: (line: string) => void = () => undefined,
  expectationsDir?: string,
): Promise<RunResult> {
  const { mock, adminPassword } = await startHarnessMock();
  const results: Record<string, ClientResult> = {};
  const unexpected: string[] = [];
  try {
    for (const client of clients) {
      const version = client.executable ? await adapterVersion(client.executable) : null;
      if (!client.executable || version === null) {
        results[client.name] = { version: null, executable: client.executable, missing: client.missing ?? `${client.name} is not installed (--version failed)`, cases: {} };
        log(`${client.name}: missing — ${results[client.name]!.missing}`);
        continue;
      }
      const expectations = client.builtin || expectationsDir ? loadExpectations(client.name, cases, expectationsDir) : new Map();
      let current = '';
      const ctx = contextFor(mock, adminPassword, client.name, client.executable, () => current);
      const caseResults: Record<string, CaseResult> = {};
      for (const c of cases) {
        current = c.id;
        const judged = await c.judge(ctx);
        const want = expectedVerdict(c, expectations);
        const expected = judged.verdict === want;
        const exp = expectations.get(c.id);
        caseResults[c.id] = { ...judged, expected, expectedVerdict: want, ...(exp ? { expectationReason: exp.reason } : {}) };
        if (!expected) unexpected.push(`${client.name} ${c.id}: ${judged.verdict}, expected ${want}${exp ? ' (stale expectation)' : ''} — ${judged.reason}`);
      }
      results[client.name] = { version, executable: client.executable, cases: caseResults };
      log(`${client.name} (${version}): ${Object.values(caseResults).filter((r) => r.expected).length}/${cases.length} as expected`);
    }
  } finally {
    await mock.close();
  }
  return {
    generated: new Date().toISOString(),
    profile: pmm2.name,
    cases: cases.map((c) => ({ id: c.id, level: c.level, title: c.title })),
    clients: results,
    unexpected,
  };
}
