/**
 * The package (issue 15): `npm pack` of this project installs into an empty project and works
 * there — the API with its types, the vitest helper, both bins — with no TypeScript sources and
 * no tsx in the installed tree. The types are built with tsconfig.build.json (prepack's second
 * step) and the tarball packed with --ignore-scripts, so that the bundles other tests are running
 * are not rebuilt under them (npm test built them: scripts/build.js). The install is
 * `npm install --prefer-offline` (the npm cache of `npm ci` serves it); the consumer's vitest is
 * this project's, linked in.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 180_000;

let dir: string;
let consumer: string;
let installed: string;

const CONSUMER_TEST = `import { request } from 'node:https';
import { expect, it } from 'vitest';
import { runClientChecks, startPmmMock } from 'pmm-auth-conformance';
import { usePmmMock } from 'pmm-auth-conformance/vitest';

const get = (url, ca, headers) =>
  new Promise((resolve, reject) =>
    request(url, { ca, headers, agent: false }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject).end());

it('the docs\\' two requests against a mock started from the test', async () => {
  const mock = await startPmmMock({ seedKeys: ['demo:Admin'] });
  try {
    const key = mock.keys.demo;
    expect(await get(mock.url + '/v1/version', mock.ca, { Authorization: 'Bearer ' + key })).toBe(200);
    const basic = Buffer.from('api_key:' + key).toString('base64');
    expect(await get(mock.url + '/v1/version', mock.ca, { Authorization: 'Basic ' + basic })).toBe(200);
  } finally {
    await mock.close();
  }
});

const pmm = usePmmMock({ profile: 'pmm3', seedTokens: ['ci:Viewer'] });
it('the vitest helper', async () => {
  expect(await get(pmm().url + '/v1/server/version', pmm().ca, { Authorization: 'Bearer ' + pmm().tokens.ci })).toBe(200);
});

it('the client harness from code', { timeout: 60000 }, async () => {
  const r = await runClientChecks({ only: ['curl'], profiles: ['pmm2'], cases: 'client.bearer.exact' });
  expect(r.exitCode, r.stderr).toBe(0);
});
`;

const CONSUMER_TYPES = `import { runClientChecks, startPmmMock, writeClientReports, type ClientVerdict, type PmmMock } from 'pmm-auth-conformance';
import { usePmmMock } from 'pmm-auth-conformance/vitest';
const mock: PmmMock = await startPmmMock({ profile: 'pmm3', seedTokens: [{ name: 'x', role: 'Admin' }] });
const seen: number = mock.journal.requests().length;
const { report } = await runClientChecks({ only: ['curl'] });
const verdict: ClientVerdict | undefined = report?.clients.curl?.profiles.pmm2?.cases['client.bearer.exact']?.verdict;
if (report) writeClientReports('reports', report);
void verdict;
// @ts-expect-error the profile is pmm2 or pmm3
await startPmmMock({ profile: 'pmm9' });
void usePmmMock;
void seen;
`;

describe('npm pack → npm install in an empty project', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pmmconf-pack-'));
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
    });
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
      cwd: ROOT,
    });
    const tarball = join(dir, stdout.trim().split('\n').at(-1)!);
    consumer = join(dir, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], {
      cwd: consumer,
    });
    installed = join(consumer, 'node_modules', pkg.name);
    symlinkSync(join(ROOT, 'node_modules/vitest'), join(consumer, 'node_modules/vitest'));
  }, TIMEOUT_MS);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the bundles, types and fixtures, and no TypeScript sources nor tsx', () => {
    for (const f of [
      'dist/lib/index.js',
      'dist/lib/vitest.js',
      'dist/types/mock/api.d.ts',
      'dist/bin/pmm-auth-mock.js',
    ])
      expect(existsSync(join(installed, f)), f).toBe(true);
    expect(existsSync(join(installed, 'fixtures/scenarios/b6-role-too-low-401.json'))).toBe(true);
    expect(existsSync(join(installed, 'mock'))).toBe(false);
    expect(existsSync(join(installed, 'fixtures/tls/generated'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules/tsx'))).toBe(false);
  });

  it('a consumer vitest test starts a mock, sends the seed requests and closes it', {
    timeout: TIMEOUT_MS,
  }, async () => {
    writeFileSync(join(consumer, 'seed.test.js'), CONSUMER_TEST);
    const { stdout } = await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--root', '.'], {
      cwd: consumer,
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
    });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: vitest's colours
    expect(stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+3 passed/);
  });

  it('its types check in a strict TypeScript project', { timeout: TIMEOUT_MS }, async () => {
    writeFileSync(join(consumer, 'check.ts'), CONSUMER_TYPES);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['check.ts'],
      }),
    );
    symlinkSync(join(ROOT, 'node_modules/@types'), join(consumer, 'node_modules/@types'));
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: consumer });
  });

  it('npx pmm-auth-mock --json prints its ready line from the installed bundle', { timeout: TIMEOUT_MS }, async () => {
    const child = execFile(
      'npx',
      ['--no-install', 'pmm-auth-mock', '--https-port', '0', '--http-port', '-1', '--json'],
      {
        cwd: consumer,
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`pmm-auth-mock exited ${code} before its ready line: ${out}`)));
      });
      const ready = JSON.parse(line) as { ready: boolean; https: string };
      expect(ready.ready).toBe(true);
      expect(ready.https).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('npx pmm-auth-check clients --only curl runs the harness from the installed package', {
    timeout: TIMEOUT_MS,
  }, async () => {
    const r = await run(
      'npx',
      [
        '--no-install',
        'pmm-auth-check',
        'clients',
        '--only',
        'curl',
        '--profile',
        'pmm2',
        '--cases',
        'client.bearer.exact',
        '--report-dir',
        join(dir, 'reports'),
      ],
      {
        cwd: consumer,
      },
    ).catch((e: { code?: number; stdout?: string; stderr?: string }) => e);
    const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    // Exit 0: curl was found and passed the case (README "Client conformance harness": exit codes).
    expect((r as { code?: number }).code ?? 0, text).toBe(0);
    expect(text).toMatch(/curl/);
    expect(existsSync(join(dir, 'reports/report.json')), text).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'reports/report.json'), 'utf8')) as unknown;
    expect(JSON.stringify(report)).toMatch(/"curl"/);
  });
});
