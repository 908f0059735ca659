/** Issue 13, auth-bugs §B2: the `duplicate-key-500` fault turns only a taken-name create's 409 into old Grafana's 500. */
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';

let t: InProcessTestMock;
beforeEach(async () => {
  t = await startInProcessMock();
});

const create = (name: string) =>
  t
    .https()
    .post('/graph/api/auth/keys')
    .set('Authorization', ADMIN_AUTH)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ name, role: 'Viewer' }));

describe('duplicate-key-500 (auth-bugs §B2)', () => {
  it('a taken name answers 500 "Failed to add API key"; a new name is still created', async () => {
    await t
      .https()
      .post('/__mock/faults')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'duplicate-key-500' }));
    expect((await create('ci')).status).toBe(200);
    const dup = await create('ci');
    expect([dup.status, JSON.parse(dup.text)]).toEqual([500, { message: 'Failed to add API key' }]);
    expect((await create('other')).status).toBe(200);
    const creates = t.mock.journal.list().filter((e) => e.path === '/graph/api/auth/keys');
    expect(creates.map((e) => e.fault)).toEqual([null, 'duplicate-key-500', null]);
  });

  it('without the fault the same create is 409', async () => {
    await create('ci');
    expect((await create('ci')).status).toBe(409);
  });
});
