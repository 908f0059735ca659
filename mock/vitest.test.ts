/** The vitest helper (mock/vitest.ts): the mock is there in the file's tests and gone after. */
import { request } from 'node:https';
import { afterAll, expect, it } from 'vitest';
import { usePmmMock } from './vitest.ts';

const pmm = usePmmMock({ profile: 'pmm3', seedTokens: ['ci:Viewer'] });

const status = (path: string, headers: Record<string, string> = {}): Promise<number> =>
  new Promise<number>((resolve, reject) =>
    request(`${pmm().url}${path}`, { ca: pmm().ca, headers, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end(),
  );

it('gives the test a running mock with its token', async () => {
  expect(await status('/v1/server/version', { Authorization: `Bearer ${pmm().tokens.ci}` })).toBe(200);
});

// Registered after the helper's afterAll, so it runs first (vitest runs afterAll hooks in reverse): still serving.
afterAll(async () => {
  expect(await status('/v1/server/readyz')).toBe(200);
});
