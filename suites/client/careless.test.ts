/**
 * The harness must be able to fail a client (issues 5 and 6): deliberately careless clients get
 * FAIL on the right cases on both profiles, and a user's own 10-line client plugs in with --client.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPool, type MockPool } from './mock-pool.ts';
import { cleanupRuns, PROFILES, ROOT, runCheck, shellClient, verdictOf, type Report } from './run-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'pmmconf-careless-'));
const script = (name: string, body: string): string => shellClient(dir, name, body);

function userClient(name: string): string {
  const file = join(dir, 'my-client');
  writeFileSync(file, readmeClient());
  chmodSync(file, 0o755);
  return `${name}=${file}`;
}

/** The README's example of a user's own client (also in fixtures/clients/PROTOCOL.md), verbatim. */
function readmeClient(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /```sh\n(#!\/bin\/sh\n# my-client[\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no "# my-client" example');
  return m[1]!;
}

/** curl with a status line, as the careless clients below use it. */
const curlStatus = (
  args: string,
): string => `code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$PMM_CA_FILE" ${args}) || exit 1
printf '{"status":%s,"body":""}\\n' "$code"`;
const version = (name: string): string => `[ "$1" = --version ] && { echo "${name} 1"; exit 0; }`;

let report: Report;
let codes: (number | null)[];
let leftovers: string[];
let pool: MockPool | undefined;

beforeAll(async () => {
  const curl = join(ROOT, 'fixtures/clients/curl');
  // Mocks started once for the file, in two lanes (a pmm2 and a pmm3 process each), given with --mock-url.
  pool = await startMockPool(2);
  const lanes = [pool.lane(0), pool.lane(1)];
  // The first run (both profiles) takes the hanging client's timeout on lane 0 (--timeout 4, not the
  // default 10: each case of these sh-and-curl clients takes well under a second); the other two
  // follow each other on lane 1.
  const runs = await Promise.all([
    runCheck([
      ...lanes[0]!,
      '--timeout',
      '4',
      '--client',
      script('always-insecure', `TLS_MODE=insecure exec ${curl} "$@"`),
      '--client',
      script(
        'lowercase-bearer',
        `${version('lowercase-bearer')}\n${curlStatus('-H "Authorization: bearer $PMM_API_KEY" "$PMM_URL"')}`,
      ),
      '--client',
      script('key-in-query', `${version('key-in-query')}\n${curlStatus('"$PMM_URL?api_key=$PMM_API_KEY"')}`),
      '--client',
      userClient('user-client'),
      '--client',
      script('hangs', `${version('hangs')}\nsleep 60`),
      '--cases',
      'client.bearer.*',
    ]),
    (async () => [
      // The TLS cases for a client that always passes -k.
      await runCheck([
        ...lanes[1]!,
        '--client',
        script('always-insecure-tls', `TLS_MODE=insecure exec ${curl} "$@"`),
        '--cases',
        'client.tls.*',
      ]),
      // The user-info cases: a client that swaps the URL's user name for api_key (a PMM 2 habit), and the README's client.
      await runCheck([
        ...lanes[1]!,
        '--client',
        script(
          'api-key-user',
          `${version('api-key-user')}\nurl=$(printf '%s' "$PMM_URL" | sed 's#^https://[^:@/]*:#https://api_key:#')\n${curlStatus('"$url"')}`,
        ),
        '--client',
        userClient('user-client-userinfo'),
        '--cases',
        'client.userinfo.*',
      ]),
    ])(),
  ]).then(([first, rest]) => [first, ...rest]);
  report = {
    ...runs[0]!.report,
    clients: Object.assign({}, ...runs.map((r) => r.report.clients)),
    unexpected: runs.flatMap((r) => r.report.unexpected),
  };
  codes = runs.map((r) => r.code);
  leftovers = runs.flatMap((r) => r.leftovers);
}, 600_000);
afterAll(async () => {
  cleanupRuns();
  await pool?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const each = <T>(rows: readonly T[]): [T, (typeof PROFILES)[number]][] =>
  rows.flatMap((r) => PROFILES.map((p) => [r, p] as [T, (typeof PROFILES)[number]]));

describe('careless clients get FAIL on the right cases, on PMM 2 and PMM 3', () => {
  it('issue 5: a run with an unexpected verdict exits non-zero', () => {
    expect(codes).toEqual([1, 1, 1]);
  });

  it.each(
    each([
      'client.tls.self-signed.verify',
      'client.tls.expired.ca',
      'client.tls.not-yet-valid.ca',
      'client.tls.wrong-host.ca',
      'client.tls.untrusted-root.ca',
    ]),
  )('issues 5, 6: curl that always passes -k → FAIL on %s (%s)', (id, p) => {
    expect(verdictOf(report, 'always-insecure-tls', p, id).verdict).toBe('FAIL');
  });

  it.each(PROFILES)('issues 5, 6: the always -k client still passes the cases where accepting is right (%s)', (p) => {
    expect(verdictOf(report, 'always-insecure-tls', p, 'client.tls.valid.ca').verdict).toBe('PASS');
    expect(verdictOf(report, 'always-insecure-tls', p, 'client.tls.pmm-default.insecure').verdict).toBe('PASS');
  });

  it.each(PROFILES)('issues 5, 6: a client sending "bearer" in lower case → FAIL on client.bearer.exact (%s)', (p) => {
    const v = verdictOf(report, 'lowercase-bearer', p, 'client.bearer.exact');
    expect(v.verdict).toBe('FAIL');
    expect(v.reason).toMatch(/invalid|Bearer/);
  });

  it.each(PROFILES)(
    'issues 5, 6: a client putting the key in the query string → FAIL on client.bearer.exact (%s)',
    (p) => {
      expect(verdictOf(report, 'key-in-query', p, 'client.bearer.exact').verdict).toBe('FAIL');
    },
  );

  it('issue 6: a client that swaps service_token for api_key → FAIL on PMM 3 only (the URL said service_token)', () => {
    expect(verdictOf(report, 'api-key-user', 'pmm2', 'client.userinfo.basic').verdict).toBe('PASS');
    const v = verdictOf(report, 'api-key-user', 'pmm3', 'client.userinfo.basic');
    expect(v.verdict).toBe('FAIL');
    expect(v.reason).toMatch(/expected the user name of the URL, service_token; the mock saw api_key/);
  });

  it('issues 5, 6: a client that hangs is stopped after the timeout (--timeout 4) on each profile, judged FAIL, and the run goes on', () => {
    for (const p of PROFILES) {
      const v = verdictOf(report, 'hangs', p, 'client.bearer.exact');
      expect(v.verdict).toBe('FAIL');
      expect(v.reason).toMatch(/no answer within the timeout/);
    }
    expect(report.clients['user-client']!.profiles.pmm3!.cases['client.bearer.exact']).toBeDefined();
  });

  it("issue 11: the README's client cleans up after itself: nothing is left in the runs' TMPDIR", () => {
    expect(leftovers).toEqual([]);
  });

  it('issue 5: fixtures/clients/PROTOCOL.md shows the same my-client example as the README', () => {
    expect(readFileSync(join(ROOT, 'fixtures/clients/PROTOCOL.md'), 'utf8')).toContain(readmeClient());
  });

  it.each(PROFILES)(
    "issues 5, 6: the README's 10-line user client plugs in with --client and passes client.bearer.exact and the user-info cases (%s)",
    (p) => {
      for (const [client, id] of [
        ['user-client', 'client.bearer.exact'],
        ['user-client-userinfo', 'client.userinfo.basic'],
        ['user-client-userinfo', 'client.userinfo.decode'],
      ] as const) {
        const v = verdictOf(report, client, p, id);
        expect(v.verdict, `${id}: ${v.reason}`).toBe('PASS');
      }
    },
  );
});
