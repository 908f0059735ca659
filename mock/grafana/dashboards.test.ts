/**
 * `GET /graph/api/dashboards/home`, the key UI's example request (mock/grafana/dashboards.ts), on
 * both profiles: behind `reqSignedIn` (grafana-auth §3.6), any signed-in caller gets the home dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmm3 } from '../profiles/pmm3.ts';
import { ADMIN_AUTH, bearer, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';

const HOME = '/graph/api/dashboards/home';

const VIEWER = [{ name: 'viewer', role: 'Viewer' as const }];

describe.each([
  ['pmm2 (a legacy key)', { seedKeys: VIEWER }],
  ['pmm3 (a service-account token)', { profile: pmm3, seedTokens: VIEWER }],
])('GET /graph/api/dashboards/home, %s', (_name, options) => {
  let t: InProcessTestMock;
  beforeAll(async () => {
    t = await startInProcessMock(options);
  });
  afterAll(() => t.close());

  it('dashboards.home.viewer: a Viewer key or token → 200, the home dashboard, not editable', async () => {
    const res = await t.https().get(HOME).set('Authorization', bearer(t.mock.keys.viewer!));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dashboard: { uid: 'pmm-home', title: 'Home Dashboard' },
      meta: { isHome: true, canEdit: false },
    });
  });

  it('dashboards.home.admin: the admin login → 200, editable', async () => {
    const res = await t.https().get(HOME).set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(200);
    expect(res.body.meta).toMatchObject({ isHome: true, canEdit: true });
  });

  it('dashboards.home.anonymous: no credential → 401, the body of every reqSignedIn route (as /graph/api/user, grafana-auth §3.6)', async () => {
    const res = await t.https().get(HOME);
    const user = await t.https().get('/graph/api/user');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(user.body);
    expect(res.text).toMatch(/Unauthorized/i);
  });

  it('dashboards.home.bad-key: a key that is not one → 401, no dashboard', async () => {
    const res = await t.https().get(HOME).set('Authorization', 'Bearer eyJrIjoibm9wZSIsIm4iOiJub3BlIiwiaWQiOjF9');
    expect(res.status).toBe(401);
    expect(res.body).not.toHaveProperty('dashboard');
  });
});
