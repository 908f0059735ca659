/**
 * Issue 12, defect 5: the journal never holds a whole key or token, nor a known secret part,
 * wherever the request carried it (path, query, Host, Basic login), raw or percent-encoded; a key
 * is recorded as the `<prefix…sha256:…>` form of its credential (describeKey).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeKey, redactKeys } from './redact.ts';
import { pmm3 } from './profiles/pmm3.ts';
import { startInProcessMock, type InProcessTestMock } from './testing/in-process.ts';

let t: InProcessTestMock;
let key: string;
let token: string;
beforeAll(async () => {
  t = await startInProcessMock({ profile: pmm3, seedTokens: [{ name: 'seed-token', role: 'Viewer' }] });
  key = t.mock.keys['seed-viewer']!;
  token = t.mock.keys['seed-token']!;
});
afterAll(() => t.close());

const secretOf = (k: string): string => (JSON.parse(Buffer.from(k, 'base64').toString('utf8')) as { k: string }).k;
const form = (k: string): string => `<${describeKey(k).keyPrefix}…${describeKey(k).keyFingerprint}>`;

async function journalOf(path: string, headers: Record<string, string> = {}): Promise<string> {
  const since = (await t.https().get('/__mock/requests')).body.requests.at(-1)?.seq ?? 0;
  let req = t.https().get(path);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  await req;
  const entries = (await t.https().get(`/__mock/requests?since=${since}`)).body.requests as unknown[];
  expect(entries).toHaveLength(1);
  return JSON.stringify(entries[0]);
}

describe('journal redaction (issue 12, defect 5)', () => {
  const cases: [string, () => string, () => string][] = [
    ['?k=KEY', () => `/v1/version?k=${key}`, () => key],
    ['?x=1;api_key=KEY', () => `/v1/version?x=1;api_key=${key}`, () => key],
    ['/v1/version/KEY', () => `/v1/version/${key}`, () => key],
    ['a percent-encoded key in the path', () => `/v1/version/${encodeURIComponent(key)}`, () => key],
    [
      'a fully percent-encoded key in the query',
      () => `/v1/version?q=${[...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}`,
      () => key,
    ],
    ['a glsa_ token in the query', () => `/v1/version?t=${token}&x=1`, () => token],
    ["a legacy key's secret alone", () => `/v1/version/${secretOf(key)}`, () => secretOf(key)],
    ["a token's random part alone", () => `/v1/version?s=${token.split('_')[1]}`, () => token.split('_')[1]!],
    // A known key with its first character changed is no key, but its base64 still gives the secret away.
    ['a known key with its first character changed', () => `/v1/version/x${key.slice(1)}`, () => key.slice(1)],
    ['a known key with a character inserted', () => `/v1/version?k=e${key}`, () => key],
    ['a known key with its first two characters cut', () => `/v1/version/${key.slice(2)}`, () => key.slice(2)],
  ];
  it.each(cases)('%s is not journaled whole', async (_label, path, secret) => {
    const entry = await journalOf(path());
    expect(entry).not.toContain(secret());
    expect(entry).not.toContain(encodeURIComponent(secret()));
    expect(entry).toMatch(/…sha256:[0-9a-f]{16}>/);
  });

  it('a known key is recorded as its credential would be (same prefix and fingerprint)', async () => {
    const entry = JSON.parse(await journalOf(`/v1/version/${key}/more`)) as { path: string };
    expect(entry.path).toBe(`/v1/version/${form(key)}/more`);
  });

  it('the Host header and a Basic login carrying a key are redacted', async () => {
    const basic = `Basic ${Buffer.from(`${key}:x`).toString('base64')}`;
    const entry = await journalOf('/v1/version', { Host: `${key}.example`, Authorization: basic });
    expect(entry).not.toContain(key);
    expect(entry).not.toContain(secretOf(key));
  });

  it("unknown keys of the mock's shapes are redacted too; other text is left alone", () => {
    const unknownKey = Buffer.from(JSON.stringify({ k: 'Z'.repeat(32), n: 'nobody', id: 1 })).toString('base64');
    const unknownToken = `glsa_${'a1'.repeat(16)}_0badf00d`;
    expect(redactKeys(`/a/${unknownKey}/b`)).toBe(`/a/${form(unknownKey)}/b`);
    expect(redactKeys(`x=${unknownToken}`)).toBe(`x=${form(unknownToken)}`);
    // An unknown 32-character run is not a known secret part: kept.
    const plain = `/v1/version?id=${'b'.repeat(32)}&page=2`;
    expect(redactKeys(plain)).toBe(plain);
    // A long base64 run that decodes to no known secret is not a key: kept.
    const data = `/v1/blob/${Buffer.from('x'.repeat(60)).toString('base64')}`;
    expect(redactKeys(data, () => false)).toBe(data);
  });
});
