/**
 * `pmm-auth-mock --profile pmm3` as a user runs it (issue 6 "Done when"): the banner's PMM 3
 * versions of the seed's two requests run with the real curl, the no-seed instructions run
 * step by step, `--grafana-version 11.3`, and the new flags' usage errors.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../mock/cli-options.ts';
import { run } from '../mock/testing/run.ts';
import {
  httpsGet,
  PROCESS_TEST_TIMEOUT_MS,
  readyLine,
  startCli,
  startOutcome,
  stopAll,
  waitForStdout,
} from './cli-process.ts';

// The process tests run concurrently (each waits on its own child): what is left ends with the file.
afterAll(stopAll);

/** Runs a banner command line with the real curl in sh; returns the HTTP status and the body. */
async function curl(command: string, env: Record<string, string> = {}): Promise<{ status: string; body: string }> {
  const r = await run('sh', ['-c', `${command} -sS -w '\\n%{http_code}'`], { env: { ...process.env, ...env } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const cut = r.stdout.lastIndexOf('\n');
  return { status: r.stdout.slice(cut + 1), body: r.stdout.slice(0, cut) };
}

const curlLines = (banner: string): string[] =>
  banner
    .split('\n')
    .filter((l) => /^ {2}(curl|ID=|TOKEN=)/.test(l))
    .map((l) => l.trim());

describe.concurrent('the PMM 3 seed: the banner of --profile pmm3 (issue 6, Done when)', () => {
  it(
    'pmm-auth §1.3, pmm-auth §2.3: with --seed-token, both printed requests (Bearer glsa_…, service_token: userinfo) hit /v1/server/version and get 200 with the 3.x version',
    async () => {
      const cli = startCli([
        '--profile',
        'pmm3',
        '--https-port',
        '0',
        '--http-port',
        '-1',
        '--seed-token',
        'demo:Admin',
      ]);
      const banner = await waitForStdout(cli, 'Ctrl-C stops the mock');
      expect(banner).toContain('PMM 3.0.0 (Grafana 11.1.8');
      // Issue 17: where the docs' UI steps start.
      expect(banner).toMatch(
        /\n {2}key UI {7}https:\/\/127\.0\.0\.1:\d+\/graph\/login {2}\(log in as admin; Administration → Users and access → Service accounts\)\n/,
      );
      expect(banner).toMatch(/Service account "demo", token "demo"[^\n]*\n {2}glsa_[0-9A-Za-z]{32}_[0-9a-f]{8}\n/);
      const commands = curlLines(banner);
      expect(commands).toHaveLength(2);
      expect(commands[0]).toMatch(
        / --cacert .* -H "Authorization: Bearer glsa_[^"]+" https:\/\/127\.0\.0\.1:\d+\/v1\/server\/version$/,
      );
      expect(commands[1]).toMatch(
        /^curl -k -X GET https:\/\/service_token:glsa_\w+@localhost:\d+\/v1\/server\/version$/,
      );
      for (const command of commands) {
        const { status, body } = await curl(command);
        expect(status).toBe('200');
        expect((JSON.parse(body) as { version: string }).version).toBe('3.0.0');
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'grafana-auth §5.3: without a seed, the printed steps (create an account, a token, then the two requests with $TOKEN) work as printed',
    async () => {
      const cli = startCli(['--profile', 'pmm3', '--https-port', '0', '--http-port', '-1', '--admin-password', 'pw-1']);
      const banner = await waitForStdout(cli, 'Ctrl-C stops the mock');
      const [createAccount, createToken, bearer, basic, ...rest] = curlLines(banner);
      expect(rest).toEqual([]);
      expect(createAccount).toMatch(/^ID=\$\(curl /);
      expect(basic).toContain('service_token:$TOKEN@');
      // The two set-up lines, pasted as printed into one shell, leave a token in $TOKEN.
      const token = await run('sh', ['-c', `${createAccount}\n${createToken}\nprintf %s "$TOKEN"`]);
      expect(token.stderr).toBe('');
      expect(token.stdout).toMatch(/^glsa_[0-9A-Za-z]{32}_[0-9a-f]{8}$/);
      for (const command of [bearer!, basic!]) {
        const { status, body } = await curl(command, { TOKEN: token.stdout });
        expect(status).toBe('200');
        expect((JSON.parse(body) as { version: string }).version).toBe('3.0.0');
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'grafana-auth §5.1: --grafana-version 11.3 → /graph/api/health says 11.3.0 and POST /graph/api/auth/keys answers 410',
    async () => {
      const cli = startCli([
        '--profile',
        'pmm3',
        '--grafana-version',
        '11.3',
        '--json',
        '--https-port',
        '0',
        '--http-port',
        '-1',
        '--admin-password',
        'pw-2',
      ]);
      const ready = await readyLine(cli);
      const ca = readFileSync(ready.caFile, 'utf8');
      const health = await httpsGet(`${ready.https}/graph/api/health`, ca, {});
      expect(JSON.parse(health.text)).toMatchObject({ version: '11.3.0' });
      const admin = {
        Authorization: `Basic ${Buffer.from('admin:pw-2').toString('base64')}`,
        'Content-Type': 'application/json',
      };
      const res = await httpsGet(
        `${ready.https}/graph/api/auth/keys`,
        ca,
        admin,
        'POST',
        JSON.stringify({ name: 'k', role: 'Viewer' }),
      );
      expect(res.status).toBe(410);
      expect(JSON.parse(res.text)).toEqual({
        message:
          'this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead',
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

describe.concurrent('pmm3 flags (issue 6; issue 2 §8: a one-line error and exit 2)', () => {
  it.each([
    ['--grafana-version on pmm2', ['--grafana-version', '11.3']],
    ['an unknown --grafana-version', ['--profile', 'pmm3', '--grafana-version', '12.0']],
    ['--seed-token on pmm2 (no service accounts)', ['--seed-token', 'demo:Admin']],
    ['--seed-token with an unknown role', ['--profile', 'pmm3', '--seed-token', 'demo:Root']],
    [
      'a key and a token with one name (one unique index)',
      ['--profile', 'pmm3', '--seed-key', 'demo:Admin', '--seed-token', 'demo:Viewer'],
    ],
  ])(
    '%s → exactly one line on stderr, nothing on stdout, exit 2',
    async (_what, args) => {
      // Usage errors without a process (cliStart; scripts/cli.test.ts runs one as a process).
      const { exit, stdout, stderr } = startOutcome([...args, '--https-port', '0', '--http-port', '-1']);
      expect(exit).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^pmm-auth-mock: [^\n]+\n$/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it("grafana-auth §5.1: --grafana-version picks the profile variant; the profile's own version is the profile itself", () => {
    const v113 = parseCli(['--profile', 'pmm3', '--grafana-version', '11.3']).mock.profile;
    expect(v113.grafana.version).toBe('11.3.0');
    expect(v113.legacyKeyCreation).toBe('removed');
    expect(v113.rules).toBe(parseCli(['--profile', 'pmm3']).mock.profile.rules);
    const own = parseCli(['--profile', 'pmm3', '--grafana-version', '11.1.8']).mock.profile;
    expect(own.legacyKeyCreation).toBe('allowed');
    expect(own.grafana.version).toBe('11.1.8');
  });

  it('--seed-token NAME:ROLE[:SECONDS] parses like --seed-key', () => {
    expect(parseCli(['--profile', 'pmm3', '--seed-token', 'ci:bot:Editor:3600']).mock.seedTokens).toEqual([
      { name: 'ci:bot', role: 'Editor', secondsToLive: 3600 },
    ]);
  });
});
