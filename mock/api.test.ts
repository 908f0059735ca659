/**
 * The programmatic API (mock/api.ts): a mock started from a test, the docs' two requests against
 * it, its clock, journal, scenario and faults, several mocks in one process, a bad option as one
 * line, and `close()` freeing the ports and leaving no file behind.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PmmMockOptionError, runClientChecks, startPmmMock, writeClientReports, type PmmMock } from './api.ts';

/** GET over HTTPS trusting `ca`; the status and body. */
function get(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('startPmmMock', () => {
  const started: PmmMock[] = [];
  afterAll(async () => {
    await Promise.all(started.map((m) => m.close()));
  });

  it("serves the docs' two requests with a seeded key, and close() frees the port and removes its certificates", async () => {
    const mock = await startPmmMock({ seedKeys: ['demo:Admin'] });
    // Its certificates are in a temporary directory of its own (other test files make theirs at the same time).
    const certDir = dirname(mock.caFile);
    expect(certDir.startsWith(join(tmpdir(), 'pmm-auth-mock-'))).toBe(true);
    started.push(mock);
    expect(mock.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(mock.keys)).toEqual(['demo']);
    const key = mock.keys.demo!;
    expect((await get(`${mock.url}/v1/version`, mock.ca, { Authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await get(`${mock.url}/v1/version`, mock.ca, { Authorization: basic('api_key', key) })).status).toBe(200);
    expect(mock.journal.requests().map((e) => e.credential.kind)).toEqual(['bearer', 'basic-api-key']);
    expect(existsSync(certDir)).toBe(true);
    await mock.close();
    await mock.close(); // twice is fine
    await expect(get(`${mock.url}/v1/readyz`, mock.ca)).rejects.toThrow(/ECONNREFUSED/);
    expect(existsSync(certDir)).toBe(false);
  });

  it('runs several mocks side by side; pmm3 gives tokens, its clock expires them, reset() restores', async () => {
    const [a, b] = await Promise.all([
      startPmmMock({ profile: 'pmm3', seedTokens: [{ name: 'ci', role: 'Viewer', secondsToLive: 60 }], http: false }),
      startPmmMock({ profile: 'pmm2' }),
    ]);
    started.push(a!, b!);
    expect(a!.url).not.toBe(b!.url);
    expect(a!.httpUrl).toBeNull();
    const token = a!.tokens.ci!;
    expect(token).toMatch(/^glsa_/);
    const version = () => get(`${a!.url}/v1/server/version`, a!.ca, { Authorization: `Bearer ${token}` });
    expect((await version()).status).toBe(200);
    a!.clock.advance(60);
    expect((await version()).status).toBe(401);
    await a!.reset();
    expect((await version()).status).toBe(200);
    expect(a!.journal.requests()).toHaveLength(1);
  });

  it('switches scenarios and adds and clears faults through the control API', async () => {
    const mock = await startPmmMock();
    started.push(mock);
    const { keys } = await mock.scenario('b10-special-characters');
    expect(Object.keys(keys).length).toBeGreaterThan(0);
    expect(await mock.faults.add({ name: 'www-authenticate' })).toHaveLength(1);
    expect(await mock.faults.clear()).toBe(1);
    await expect(mock.scenario('no-such-scenario')).rejects.toThrow(PmmMockOptionError);
  });

  it.each([
    [{ seedKeys: ['demo'] }, /seedKeys/],
    [{ profile: 'pmm4' as 'pmm3' }, /profile must be one of pmm2, pmm3/],
    [{ profile: 'pmm2' as const, pmmVersion: '3.3.0' }, /pmmVersion for profile pmm2 must be one of 2\.41\.0/],
    [{ journalSize: 0 }, /journalSize/],
  ])('a bad option is one PmmMockOptionError line and leaves nothing behind: %j', async (options, message) => {
    // With a certDir of the test's own: it must not be filled (startPmmMock removes only its temporary one).
    const certDir = mkdtempSync(join(tmpdir(), 'pmmconf-api-'));
    try {
      await expect(startPmmMock({ ...options, certDir })).rejects.toThrow(message);
      await expect(startPmmMock({ ...options, certDir })).rejects.toBeInstanceOf(PmmMockOptionError);
      expect(readdirSync(certDir)).toEqual([]);
    } finally {
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});

describe('runClientChecks', () => {
  it('runs pmm-auth-check clients and hands back its exit code and report; the writers render it again alike', {
    timeout: 60_000,
  }, async () => {
    const kept = mkdtempSync(join(tmpdir(), 'pmmconf-api-reports-'));
    const again = join(kept, 'again');
    try {
      const r = await runClientChecks({
        only: ['curl'],
        profiles: ['pmm2'],
        cases: 'client.bearer.*',
        reportDir: kept,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.report!.clients.curl!.profiles.pmm2!.cases['client.bearer.exact']!.verdict).toBe('PASS');
      // The report read back and written again: the same four files, byte for byte.
      const written = writeClientReports(again, r.report!);
      expect(written.map((f) => f.slice(again.length + 1))).toEqual([
        'report.json',
        'report.md',
        'report.html',
        'junit.xml',
      ]);
      for (const name of ['report.json', 'report.md', 'report.html', 'junit.xml'])
        expect(readFileSync(join(again, name), 'utf8'), name).toBe(readFileSync(join(kept, name), 'utf8'));
    } finally {
      rmSync(kept, { recursive: true, force: true });
    }
  });

  it('exit 2 and no report when nothing can be tested', async () => {
    const r = await runClientChecks({ only: ['no-such-client'] });
    expect(r.exitCode).toBe(2);
    expect(r.report).toBeNull();
    expect(r.stderr).toMatch(/no-such-client/);
  });
});
