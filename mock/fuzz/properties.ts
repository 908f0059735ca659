/**
 * The fuzz properties of issue 12, for one profile, in process (mock/testing/in-process.ts): per
 * generated request no exception escapes, no 5xx but a documented one (fixtures/documented-5xx.json),
 * an answer within a bound, no whole key in the journal; afterwards `GET /v1/readyz` still answers
 * and the journal read through the control API holds no whole key. Shared by mock/fuzz/fuzz.test.ts
 * (a few hundred runs) and scripts/fuzz.ts (the long run).
 */
import fc from 'fast-check';
import { redactKeys } from '../redact.ts';
import { PROFILES } from '../profiles/index.ts';
import { startInProcessMock, type InProcessTestMock } from '../testing/in-process.ts';
import { type KeyRef, type Mangle, type RequestSpec, type Secret, requestArb } from './arbitraries.ts';
import { controlArb } from './control-arbitraries.ts';
import { type Documented5xx, documentedRow, loadDocumented5xx } from './documented-5xx.ts';

export type ProfileName = 'pmm2' | 'pmm3';

export interface FuzzOptions {
  readonly profile: ProfileName;
  /** Requests to generate: four fifths through the request property, one fifth through the control API's. */
  readonly runs: number;
  readonly seed: number;
  /** An answer slower than this is a hang (ms). */
  readonly boundMs?: number;
  /** The documented 5xx answers (default: fixtures/documented-5xx.json). */
  readonly rows?: readonly Documented5xx[];
  /** The requests of the request property (default: requestArb); a test's own, to make a finding certain. */
  readonly requests?: fc.Arbitrary<RequestSpec>;
}

export interface FuzzReport {
  readonly profile: ProfileName;
  /** Requests sent, by answer status (`unsendable`: a request the Fetch API refuses to build). */
  readonly statuses: Record<string, number>;
  /** The documented 5xx answers seen, by row id (fixtures/documented-5xx.json). */
  readonly documented: Record<string, number>;
  readonly crashes: number;
  readonly hangs: number;
  readonly undocumented: number;
  readonly leaks: number;
  /** The shrunk counterexample of each failing property, and why (no key in it). */
  readonly failures: string[];
  readonly readyz: number;
}

/** A failed check of one request: a crash, a hang, an undocumented 5xx or a key in the journal. */
class Finding extends Error {
  constructor(
    readonly kind: 'crashes' | 'hangs' | 'undocumented' | 'leaks',
    message: string,
  ) {
    super(message);
  }
}

function mangled(key: string, m: Mangle): string {
  switch (m.op) {
    case 'none':
      return key;
    case 'truncate':
      return key.slice(0, m.at % key.length);
    case 'insert':
    case 'replace': {
      const i = m.at % key.length;
      return key.slice(0, i) + m.char + key.slice(m.op === 'insert' ? i : i + 1);
    }
    case 'append':
      return key + m.text;
    case 'upper':
      return key.toUpperCase();
    case 'lower':
      return key.toLowerCase();
    case 'percent':
      return [...key].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    case 'base64':
      return Buffer.from(key).toString('base64');
    case 'twice':
      return key + key;
  }
}

function* stringsOf(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) yield* stringsOf(v);
}

/** One profile's mock under fuzz: its keys (seeded, and those its answers give out) and journal position. */
class Target {
  readonly known = new Set<string>();
  private created: string | undefined;
  private seq = 0;
  readonly statuses: Record<string, number> = {};
  readonly documented: Record<string, number> = {};

  constructor(
    readonly t: InProcessTestMock,
    readonly profile: ProfileName,
    readonly boundMs: number,
    /** The app's "unexpected error" log lines, not yet read. */
    private readonly errors: string[],
    private readonly rows: readonly Documented5xx[],
  ) {
    for (const k of Object.values(t.mock.keys)) this.known.add(k);
  }

  private key(ref: KeyRef): string {
    const keys = this.t.mock.keys;
    if (ref === 'created') return this.created ?? keys['seed-admin']!;
    return keys[ref === 'token' ? 'seed-token' : `seed-${ref}`] ?? keys['seed-admin']!;
  }

  private secret(s: Secret): string {
    return 'text' in s ? s.text : mangled(this.key(s.key), s.mangle);
  }

  private headers(spec: RequestSpec): [string, string][] {
    const out: [string, string][] = Object.entries(spec.headers ?? {});
    if (spec.auth) {
      const a = spec.auth;
      const secret = this.secret(a.secret);
      const basic = /^basic$/i.test(a.scheme) && a.basicLogin !== undefined;
      const credential = basic ? Buffer.from(`${a.basicLogin}:${secret}`, 'latin1').toString('base64') : secret;
      out.push(['authorization', `${a.scheme}${a.sep}${credential}`]);
    }
    if (spec.contentType && spec.body !== undefined) out.push(['content-type', spec.contentType]);
    return out;
  }

  /** Sends one request and checks its answer; throws a Finding. */
  async check(spec: RequestSpec): Promise<void> {
    const method = spec.method;
    const query = spec.query.map(([n, v]) => `${n}=${this.secret(v)}`).join('&');
    const target = query ? `${spec.path}${spec.path.includes('?') ? '&' : '?'}${query}` : spec.path;
    const hasBody = spec.body !== undefined && !/^(GET|HEAD)$/i.test(method);
    const headers = this.headers(spec);
    try {
      // What the Fetch API refuses to build is no request the mock could see.
      new Request(`https://127.0.0.1${target}`, { method, headers, ...(hasBody ? { body: spec.body! } : {}) });
    } catch {
      this.count('unsendable');
      return;
    }
    let req = this.t.request(method, target, spec.listener);
    for (const [n, v] of headers) req = req.set(n, v);
    if (hasBody) req = req.send(Buffer.from(spec.body!, 'utf8'));
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), this.boundMs)));
    let res: Awaited<typeof req> | 'hang';
    try {
      res = await Promise.race([req, timeout]);
    } catch (e) {
      throw new Finding('crashes', `the request threw: ${redactKeys((e as Error).message ?? String(e))}`);
    } finally {
      clearTimeout(timer);
    }
    if (res === 'hang') throw new Finding('hangs', `no answer within ${this.boundMs} ms`);
    this.count(String(res.status));
    const ms = performance.now() - started;
    if (ms > this.boundMs) throw new Finding('hangs', `answered after ${Math.round(ms)} ms`);
    const given = (res.body as { key?: unknown } | undefined)?.key;
    if (typeof given === 'string' && given.length >= 16) this.known.add((this.created = given));
    const error = this.errors.shift();
    if (error) throw new Finding('crashes', `the app caught an unexpected error (500): ${error}`);
    // The path as routed: dot segments resolved and `%XX` decoded, as nginx normalizes it before Grafana.
    const path = new URL(`https://127.0.0.1${target}`).pathname.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) =>
      String.fromCharCode(Number.parseInt(h, 16)),
    );
    if (res.status >= 500) {
      // A HEAD answer has no body: the same request as GET gives the text to match (same status).
      const text = /^HEAD$/i.test(method) ? await this.getText(spec, target, headers, res.status) : res.text;
      const a = { profile: this.profile, method: method.toUpperCase(), path, status: res.status, text };
      const row = documentedRow(this.rows, a);
      if (!row) throw new Finding('undocumented', `undocumented ${res.status}: ${redactKeys(text.slice(0, 200))}`);
      this.documented[row.id] = (this.documented[row.id] ?? 0) + 1;
    }
    this.checkJournal();
  }

  /** The text of the GET twin of a HEAD request, or a note when its status differs. */
  private async getText(
    spec: RequestSpec,
    target: string,
    headers: [string, string][],
    status: number,
  ): Promise<string> {
    let req = this.t.request('GET', target, spec.listener);
    for (const [n, v] of headers) req = req.set(n, v);
    const res = await req;
    return res.status === status ? res.text : `(HEAD ${status}, but GET ${res.status})`;
  }

  /** The journal entries since the last check hold no whole key the mock knows. */
  checkJournal(): void {
    const entries = this.t.mock.journal.list(this.seq);
    if (entries.length === 0) return;
    this.seq = entries[entries.length - 1]!.seq;
    this.assertNoKey(entries, `journal entry ${this.seq}`);
  }

  /**
   * No string in `value` holds a whole known key. The strings, not their JSON text: JSON escapes
   * a control character as `\u001e`, and `e\u001eyJ…` (a key with a character inserted after its
   * `e`) would read as the whole key in the text although no value holds it.
   */
  assertNoKey(value: unknown, where: string): void {
    for (const text of stringsOf(value))
      for (const key of this.known)
        if (text.includes(key)) throw new Finding('leaks', `${where} holds a whole key (${redactKeys(key)})`);
  }

  count(status: string): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }
}

/** Runs both properties on one profile's in-process mock and reports; never throws for a finding. */
export async function fuzzProfile(opts: FuzzOptions): Promise<FuzzReport> {
  const errors: string[] = [];
  const t = await startInProcessMock({
    profile: PROFILES[opts.profile]!,
    journalCapacity: 50,
    ...(opts.profile === 'pmm3' ? { seedTokens: [{ name: 'seed-token', role: 'Admin' as const }] } : {}),
    log: (line: string) => {
      if (line.includes('unexpected error')) errors.push(redactKeys(line.split('\n')[0]!));
    },
  });
  const target = new Target(t, opts.profile, opts.boundMs ?? 2000, errors, opts.rows ?? loadDocumented5xx());
  const found = { crashes: 0, hangs: 0, undocumented: 0, leaks: 0 };
  const failures: string[] = [];
  const control = Math.max(1, Math.round(opts.runs / 5));
  const properties = [
    ['requests', opts.requests ?? requestArb, Math.max(1, opts.runs - control)],
    ['control API', controlArb, control],
  ] as const;
  for (const [i, [name, arb, numRuns]] of properties.entries()) {
    let kind: Finding['kind'] | undefined;
    const result = await fc.check(
      fc.asyncProperty(arb, async (spec) => {
        try {
          await target.check(spec);
        } catch (e) {
          if (e instanceof Finding) kind ??= e.kind;
          throw e;
        }
      }),
      { seed: opts.seed + i, numRuns },
    );
    if (result.failed) {
      found[kind ?? 'crashes']++;
      const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      failures.push(
        `${opts.profile} ${name}: ${error}\n  counterexample: ${fc.stringify(result.counterexample)} (seed ${opts.seed + i}, path ${result.counterexample ? result.counterexamplePath : ''})`,
      );
    }
  }
  const readyz = (await t.https().get('/v1/readyz')).status;
  const journal = await t.https().get('/__mock/requests').set('Host', '127.0.0.1:8443');
  try {
    target.assertNoKey(journal.body, 'GET /__mock/requests');
  } catch (e) {
    found.leaks++;
    failures.push(`${opts.profile}: ${(e as Error).message}`);
  }
  await t.close();
  return {
    profile: opts.profile,
    statuses: target.statuses,
    documented: target.documented,
    ...found,
    failures,
    readyz,
  };
}

/** True when a report has no crash, hang, undocumented 5xx or leak and the mock still answers. */
export function clean(r: FuzzReport): boolean {
  return r.crashes + r.hangs + r.undocumented + r.leaks === 0 && r.readyz === 200;
}
