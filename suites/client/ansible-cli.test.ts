/**
 * The Ansible adapters run the uri module's code in their own process (lib/ansible_uri.py), not
 * through the controller. This test runs the same task once through the real command line —
 * `ansible localhost -m ansible.builtin.uri -a …` — and once through the ansible-uri-basic adapter,
 * against one mock, and checks that the mock saw the same request: method, path, credential kind,
 * user and key, and the same answer reported. (The default, without force_basic_auth, is in the
 * client matrix: no credentials until a challenge, auth-bugs B8.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMock, type SpawnedMock } from '../_support/spawn-mock.ts';
import { runAdapter } from './adapter.ts';
import { CLIENTS_DIR } from './builtins.ts';
import { skipIfMissing } from './installed.ts';
import type { JournalEntry } from './journal.ts';
import { jsonOf, type MockHttp, mockHttp } from './mock-http.ts';

const home = mkdtempSync(join(tmpdir(), 'pmmconf-ansible-home-'));
let mock: SpawnedMock;
let http: MockHttp;
let key: string;

beforeAll(async () => {
  mock = await spawnMock(['--seed-key', 'ci:Viewer']);
  http = mockHttp(mock.https, readFileSync(mock.caFile, 'utf8'));
  key = mock.ready.keys.ci!;
}, 60_000);
afterAll(async () => {
  http?.close();
  await mock?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** `ansible localhost -m ansible.builtin.uri -a JSON`: its exit code and output (ENOENT: not installed). */
function ansible(args: object): Promise<{ code: number | null; out: string; missing?: string }> {
  return new Promise((resolve) => {
    const child = spawn('ansible', ['localhost', '-m', 'ansible.builtin.uri', '-a', JSON.stringify(args)], {
      // Ansible's own files (its home, temporary directories) under this test's directory.
      env: {
        ...process.env,
        ANSIBLE_HOME: home,
        ANSIBLE_LOCAL_TEMP: join(home, 'local'),
        ANSIBLE_REMOTE_TEMP: join(home, 'remote'),
        ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_LOCALHOST_WARNING: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => resolve({ code: null, out, missing: `ansible: ${e.message}` }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function journal(since: number): Promise<JournalEntry[]> {
  const answer = await http.call('GET', `/__mock/requests?since=${since}`);
  return jsonOf<{ requests: JournalEntry[] }>(answer, 'GET /__mock/requests').requests;
}

const seen = (e: JournalEntry | undefined) =>
  e && {
    method: e.method,
    path: e.path,
    status: e.status,
    kind: e.credential.kind,
    login: e.credential.login,
    key: e.credential.keyFingerprint,
    authorizations: e.authorizations,
  };

describe('ansible.builtin.uri: the adapter and the real ansible command send the same request', () => {
  it('url_username/url_password with force_basic_auth: one preemptive Basic api_key:<key>, 200 reported', async (ctx) => {
    const url = `${mock.https}/v1/version`;
    const before = (await journal(0)).at(-1)?.seq ?? 0;
    const cli = await ansible({
      url,
      url_username: 'api_key',
      url_password: key,
      force_basic_auth: true,
      ca_path: mock.caFile,
      return_content: true,
      timeout: 9,
    });
    skipIfMissing(ctx, 'ansible-uri', cli.missing);
    expect(cli.code, cli.out).toBe(0);
    expect(cli.out).toMatch(/localhost \| SUCCESS => \{[\s\S]*"status": 200/);
    const viaCli = (await journal(before)).filter((e) => e.path === '/v1/version');
    const mid = viaCli.at(-1)?.seq ?? before;

    const outcome = await runAdapter(join(CLIENTS_DIR, 'ansible-uri-basic'), {
      CASE_ID: 'ansible-cli',
      PMM_URL: `${url.replace('https://', `https://api_key:${encodeURIComponent(key)}@`)}`,
      PMM_API_KEY: key,
      AUTH_MODE: 'userinfo',
      TLS_MODE: 'ca',
      PMM_CA_FILE: mock.caFile,
      METHOD: 'GET',
      REPEAT: '1',
    });
    expect(outcome).toMatchObject({ kind: 'response', status: 200 });
    const viaAdapter = (await journal(mid)).filter((e) => e.path === '/v1/version');

    expect(viaCli).toHaveLength(1);
    expect(viaAdapter).toHaveLength(1);
    expect(seen(viaCli[0])).toMatchObject({ method: 'GET', status: 200, kind: 'basic-api-key', authorizations: 1 });
    expect(seen(viaAdapter[0])).toEqual(seen(viaCli[0]));
  }, 60_000);
});
