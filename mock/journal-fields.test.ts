/**
 * Journal fields for the client harness (issue 5): the Host a request arrived with, how many
 * Authorization lines it carried, and the control API's redirect to another host name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawGet, startTestMock, type TestMock } from './testing/harness.ts';

let t: TestMock;
beforeAll(async () => {
  t = await startTestMock();
});
afterAll(() => t.close());

async function lastEntry(): Promise<{ host: string | null; authorizations: number; credential: { kind: string } }> {
  const res = await t.https().get('/__mock/requests');
  const list = res.body.requests as { host: string | null; authorizations: number; credential: { kind: string } }[];
  return list[list.length - 1]!;
}

describe('journal: host and Authorization lines', () => {
  it.each([
    { label: 'no Authorization', headers: {} as Record<string, string | string[]>, count: 0 },
    { label: 'one Authorization', headers: { Authorization: 'Bearer x' }, count: 1 },
    { label: 'two Authorization lines', headers: { Authorization: ['Bearer x', 'Bearer y'] }, count: 2 },
  ])('issue 5: a request with $label is journaled with authorizations = $count', async ({ headers, count }) => {
    await rawGet(t, '/v1/readyz', { ...headers, Host: 'localhost:1234' });
    const e = await lastEntry();
    expect(e.authorizations).toBe(count);
    expect(e.host).toBe('localhost:1234');
  });
});

describe('control API: GET /__mock/redirect', () => {
  it('issue 5: /__mock/redirect?to=<url> answers 302 with that Location', async () => {
    const to = `https://localhost:${t.mock.httpsPort}/v1/version`;
    const res = await rawGet(t, `/__mock/redirect?to=${encodeURIComponent(to)}`, {});
    expect(res).toEqual({ status: 302, location: to });
  });

  it.each(['', 'to=/v1/version', 'to=javascript:alert(1)'])(
    'issue 5: /__mock/redirect?%s → 400 (an absolute URL is required)',
    async (query) => {
      const res = await t.https().get(`/__mock/redirect?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/absolute/);
    },
  );
});
