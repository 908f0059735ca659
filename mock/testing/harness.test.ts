import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, bearer, startTestMock, type TestMock } from './harness.ts';

describe('test harness', () => {
  let t: TestMock;
  beforeAll(async () => {
    t = await startTestMock();
  });
  afterAll(() => t.close());

  it('serves HTTPS with the generated certificate trusted per request', async () => {
    const res = await t.https().get('/v1/version').set('Authorization', bearer(t.mock.keys['seed-viewer']!));
    expect(res.status).toBe(200);
    expect(res.body.version).toBe('2.41.0');
  });

  it('serves the plain HTTP listener too (pmm-auth §1.1: no redirect to HTTPS)', async () => {
    const res = await t.http().get('/graph/api/auth/keys').set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(200);
    expect(res.body.map((k: { name: string }) => k.name)).toEqual(['seed-admin', 'seed-editor', 'seed-viewer']);
  });
});
