/**
 * The built-in client matrix (issues 5 and 6): every built-in adapter runs every case against the
 * PMM 2 and the PMM 3 mock; each verdict is explained and matches the client's expectation file;
 * the PMM 3 column really sends glsa_ tokens; the reports render with a column per profile.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumHome, skipIfMissing } from './installed.ts';
import { cleanupRuns, PROFILES, runCheck, verdictOf, type Report } from './run-check.ts';

/** The built-ins and their ecosystems (issue 16: at least 20 clients in at least 8). */
const ECOSYSTEMS: Readonly<Record<string, string>> = {
  curl: 'shell',
  wget: 'shell',
  httpie: 'shell',
  'python-requests': 'Python',
  'python-urllib': 'Python',
  'python-httpx': 'Python',
  'python-urllib3': 'Python',
  'node-global-fetch': 'Node',
  'node-https': 'Node',
  axios: 'Node',
  undici: 'Node',
  got: 'Node',
  'node-fetch': 'Node',
  superagent: 'Node',
  'go-nethttp': 'Go',
  'ruby-nethttp': 'Ruby',
  'perl-lwp': 'Perl',
  'php-curl': 'PHP',
  'java-httpclient': 'Java',
  'ansible-uri': 'Ansible',
  'ansible-uri-basic': 'Ansible',
  'ansible-grafana-folder': 'Ansible',
};
const BUILTINS = Object.keys(ECOSYSTEMS);
// 17 of issues 5 and 6, and 4 from the bug-reproduction scenarios (suites/client/cases-faults.ts).
const CASE_COUNT = 21;
let run: Awaited<ReturnType<typeof runCheck>>;
let report: Report;
/** The built-ins that could run here (on a machine without, say, Go, the others; see installed.ts). */
let installed: string[];

beforeAll(async () => {
  // The harness starts its own mocks here (lanes of a pmm2 and a pmm3 process, clients side by side).
  run = await runCheck([]);
  report = run.report;
  installed = BUILTINS.filter((name) => report.clients[name] && !report.clients[name].missing);
}, 900_000);
afterAll(cleanupRuns);

/** Why Chromium cannot run here (undefined when `chromium --version` works). */
function chromiumMissing(): string | undefined {
  const r = spawnSync('chromium', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0
    ? undefined
    : r.error
      ? `chromium: ${r.error.message}`
      : `chromium --version exited ${r.status}`;
}

/** What each profile's keys look like in a reason (prefix + fingerprint): legacy base64 JSON `eyJ…`, or `glsa_…`. */
const SENT = {
  pmm2: { key: /\(eyJ[^ ]*… sha256:[0-9a-f]{16}\)/, user: 'api_key', path: '/v1/version' },
  pmm3: { key: /\(glsa_[^ ]*… sha256:[0-9a-f]{16}\)/, user: 'service_token', path: '/v1/server/version' },
} as const;

describe('pmm-auth-check clients: the built-in matrix on both profiles', () => {
  it('issues 5, 6: the run exits 0 — every verdict on both profiles as the expectation files say', () => {
    expect(report.unexpected, run.stdout).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('issue 16: the matrix has a column for at least 20 built-ins in at least 8 ecosystems; each one that ran names itself and its version', () => {
    // Whether each is installed here is the next test's (a missing one skips, or fails with PMMCONF_REQUIRE_TOOLS=1).
    const columns = Object.keys(report.clients);
    expect(columns).toEqual(BUILTINS);
    expect(columns.length).toBeGreaterThanOrEqual(20);
    expect(new Set(columns.map((n) => ECOSYSTEMS[n])).size).toBeGreaterThanOrEqual(8);
    for (const name of installed) {
      const version = report.clients[name]!.version ?? '';
      expect(version.startsWith(`${name} `), `${name}: ${version}`).toBe(true);
      expect(version, name).toMatch(/\d+\.\d+/);
    }
  });

  it("issue 11: the run leaves nothing in its TMPDIR (the compiled Go adapter, the adapters' temporary files)", () => {
    expect(run.leftovers).toEqual([]);
  });

  it.for(BUILTINS)(
    'issues 5, 6: %s is installed here, reports its version and got a verdict in every case on both profiles',
    (name, ctx) => {
      const c = report.clients[name];
      expect(c, `no column for ${name}`).toBeDefined();
      skipIfMissing(ctx, name, c!.missing);
      expect(c!.missing, `${name} missing: ${c!.missing}`).toBeUndefined();
      expect(c!.version).toMatch(/\S/);
      expect(Object.keys(c!.profiles)).toEqual([...PROFILES]);
      for (const p of PROFILES) {
        expect(Object.keys(c!.profiles[p]!.cases).length, p).toBe(CASE_COUNT);
        for (const [id, v] of Object.entries(c!.profiles[p]!.cases)) {
          expect(['PASS', 'FAIL', 'NON-STRICT', 'UNSUPPORTED', 'INFO'], `${p} ${id}`).toContain(v.verdict);
          expect(v.reason, `${name} ${p} ${id} has a reason`).toMatch(/\S{3}/);
        }
      }
    },
  );

  it.each(PROFILES)('issues 5, 6: curl passes every MUST case on %s (the reference client of the PMM docs)', (p) => {
    const failed = Object.entries(report.clients.curl!.profiles[p]!.cases).filter(([, v]) => v.verdict === 'FAIL');
    expect(failed).toEqual([]);
  });

  it.each(PROFILES)("issue 6: on %s every passing client sent that profile's key, Basic user and version path", (p) => {
    const want = SENT[p];
    for (const name of installed) {
      const passed = (id: string): string | undefined => {
        const v = verdictOf(report, name, p, id);
        return v.verdict === 'PASS' ? v.reason : undefined;
      };
      // Every built-in passes these on both profiles (first test); the others where they do.
      expect(passed('client.bearer.exact'), `${name} ${p}`).toMatch(want.key);
      expect(passed('client.tls.valid.ca'), `${name} ${p}`).toContain(`GET ${want.path}`);
      expect(passed('client.status.401'), `${name} ${p}`).toMatch(want.key);
      const basic = passed('client.userinfo.basic');
      if (basic) expect(basic, `${name} ${p}`).toContain(`Basic ${want.user}:<key>`);
      const created = passed('client.create-key');
      if (created) expect(created, `${name} ${p}`).toMatch(want.key);
    }
  });

  it('issue 6: on PMM 3 the URL-decoding case still sends a legacy key (with +, / and =) as api_key:', () => {
    const v = verdictOf(report, 'curl', 'pmm3', 'client.userinfo.decode');
    expect(v.verdict).toBe('PASS');
    expect(v.reason).toMatch(/Basic api_key:<key> \(eyJ/);
    expect(v.reason).toMatch(/glsa_ tokens need no percent-encoding/);
  });

  it('issue 6: report.json documents its shape and lists both profiles with what differs', () => {
    expect(Object.keys(report.about)).toEqual(
      expect.arrayContaining(['format', 'profiles', 'cases', 'clients', 'verdicts', 'unexpected']),
    );
    expect(report.profiles.map((p) => [p.name, p.title, p.basicUser, p.versionPath])).toEqual([
      ['pmm2', 'PMM 2', 'api_key', '/v1/version'],
      ['pmm3', 'PMM 3', 'service_token', '/v1/server/version'],
    ]);
    expect(report.profiles[1]!.key).toMatch(/glsa_/);
    expect(report.cases).toHaveLength(CASE_COUNT);
  });

  it('issues 5, 6: report.md and junit.xml have a column (a suite) per client and profile', () => {
    for (const f of ['report.md', 'junit.xml', 'report.html']) expect(existsSync(join(run.dir, f)), f).toBe(true);
    const junit = readFileSync(join(run.dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(BUILTINS.length * PROFILES.length);
    expect(junit).toMatch(/<testsuite name="curl [^"]*\(PMM 3\)"/);
    const md = readFileSync(join(run.dir, 'report.md'), 'utf8');
    expect(md).toContain('| client.bearer.exact |');
    expect(md).toContain('| curl<br>PMM 2 | curl<br>PMM 3 |');
    const row = md.split('\n').find((l) => l.startsWith('| client.bearer.exact |'))!;
    expect(row.split('|').length - 2).toBe(2 + BUILTINS.length * PROFILES.length);
  });

  it('issues 5, 6: report.html renders in headless Chromium: one row per case, a column per client and profile', async (ctx) => {
    skipIfMissing(ctx, 'chromium', chromiumMissing());
    const home = chromiumHome();
    const dom = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        'chromium',
        [
          `--user-data-dir=${home.profile}`,
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--dump-dom',
          `file://${join(run.dir, 'report.html')}`,
        ],
        { env: home.env },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`chromium exited ${code}`))));
    }).finally(home.remove);
    const matrix = /<table id="matrix">([\s\S]*?)<\/table>/.exec(dom)?.[1] ?? '';
    expect(matrix.match(/<tr>/g)?.length ?? 0).toBe(CASE_COUNT + 2);
    for (const name of BUILTINS) expect(matrix).toContain(`<th colspan="2">${name}<br>`);
    expect(matrix.match(/<th class="profile">PMM 3<\/th>/g)).toHaveLength(BUILTINS.length);
    // A missing client's column has "—" cells.
    expect(matrix.match(/<td class="v/g)).toHaveLength(CASE_COUNT * installed.length * PROFILES.length);
  }, 120_000);
});
