/**
 * The client harness's mocks, driven black-box: a mock process the harness starts
 * (suites/client/harness-start.ts) or one started separately (`--mock-url`,
 * suites/client/harness-connect.ts), made ready here for the cases. The harness mints its keys as
 * admin through the product API (suites/client/harness-keys.ts), learns a key's role from the
 * product's own answer, and reads what the mock saw through `GET /__mock/requests` and
 * `GET /__mock/tls`, every entry checked against fixtures/schemas/.
 */
import { randomBytes } from 'node:crypto';
import { checkKeys, mintKeys, problem, whoAmI, type Driver, type HarnessKeys } from './harness-keys.ts';
import { checkEntries, type JournalEntry, type TlsEvent } from './journal.ts';
import { jsonOf, type MockHttp } from './mock-http.ts';
import type { HarnessProfile } from './profiles.ts';

export interface HarnessMock {
  readonly profile: HarnessProfile;
  /** The mock's main HTTPS URL. */
  readonly main: string;
  /** URL of a personality listener, e.g. https://127.0.0.1:PORT */
  url(personality: string): string;
  readonly caFile: string;
  readonly adminPassword: string;
  readonly keys: HarnessKeys;
  /** The org role the product gives a key (null when it does not authenticate). */
  roleOf(key: string): Promise<string | null>;
  /** The journal position now: later entries belong to what runs next. */
  mark(): Promise<number>;
  requestsSince(seq: number): Promise<JournalEntry[]>;
  tlsSince(seq: number): Promise<TlsEvent[]>;
  /** Ad-hoc faults (`POST /__mock/faults`, fixtures/scenarios/README.md "Faults") in force while `run` runs, then all removed (`DELETE /__mock/faults`). */
  withFaults<T>(faults: readonly object[], run: () => Promise<T>): Promise<T>;
  /** Stops the mock when the harness started it; forgets it otherwise. */
  close(): Promise<void>;
}

/** The personalities the cases use (README "Certificate personalities"): a mock must serve them all. */
export const NEEDED_PERSONALITIES = [
  'valid',
  'self-signed',
  'pmm-default',
  'expired',
  'not-yet-valid',
  'wrong-host',
  'untrusted-root',
  'incomplete-chain',
  'no-san',
  'sha1',
] as const;

/** The journal listings, each entry checked against its schema. */
async function listing<T>(http: MockHttp, path: 'requests' | 'tls', since: number): Promise<T[]> {
  const where = `GET ${http.base}/__mock/${path}?since=${since}`;
  const answer = await http.call('GET', `/__mock/${path}?since=${since}`);
  if (answer.status !== 200)
    throw new Error(`client harness: ${where} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  const body = jsonOf<{ requests?: unknown; events?: unknown }>(answer, where);
  return checkEntries<T>(
    path === 'requests' ? 'journal-entry' : 'tls-event',
    where,
    path === 'requests' ? body.requests : body.events,
  );
}

/** Makes a mock ready for the cases (every needed personality served, its keys minted and checked); `close` stops it. */
export async function prepare(
  d: Driver,
  personalities: Readonly<Record<string, string>>,
  caFile: string,
  close: () => Promise<void>,
): Promise<HarnessMock> {
  const run = randomBytes(4).toString('hex').slice(0, 6);
  const missing = NEEDED_PERSONALITIES.filter((p) => !personalities[p]);
  if (missing.length > 0) throw problem(d, `it serves no ${missing.join(', ')} personality; start it with --tls all`);
  const keys = await mintKeys(d, run);
  const roleOf = async (key: string): Promise<string | null> => {
    const r = await whoAmI(d, key);
    return r.status === 200 && typeof r.role === 'string' ? r.role : null;
  };
  await checkKeys(d, keys, roleOf);
  let cursor = 0;
  const mark = async (): Promise<number> => {
    // The harness's own requests (minting, roleOf) are journaled too: skip past everything so far.
    const [requests, tls] = await Promise.all([
      listing<JournalEntry>(d.http, 'requests', cursor),
      listing<TlsEvent>(d.http, 'tls', cursor),
    ]);
    cursor = Math.max(cursor, ...requests.map((e) => e.seq), ...tls.map((e) => e.seq));
    return cursor;
  };
  return {
    profile: d.profile,
    main: d.http.base,
    url: (p) => personalities[p] ?? d.http.base,
    caFile,
    adminPassword: d.adminPassword,
    keys,
    roleOf,
    mark,
    requestsSince: (seq) => listing<JournalEntry>(d.http, 'requests', seq),
    tlsSince: (seq) => listing<TlsEvent>(d.http, 'tls', seq),
    async withFaults(faults, run) {
      const added = await d.http.call('POST', '/__mock/faults', { json: faults });
      if (added.status !== 200)
        throw problem(d, `POST /__mock/faults answered ${added.status}: ${added.text.slice(0, 200)}`);
      try {
        return await run();
      } finally {
        const removed = await d.http.call('DELETE', '/__mock/faults', {
          headers: { 'Content-Type': 'application/json' },
        });
        if (removed.status !== 200)
          throw problem(d, `DELETE /__mock/faults answered ${removed.status}: ${removed.text.slice(0, 200)}`);
      }
    },
    close: async () => {
      d.http.close();
      await close();
    },
  };
}
