/**
 * Health endpoints that need no credentials: PMM's `/v1/readyz` and `/ping` (rule none,
 * pmm-auth §3.2, pmm-auth §2.1) and Grafana's `/graph/api/health` (grafana-auth §6.3). PMM 3 keeps `/v1/readyz` and
 * `/ping` as nginx rewrites to `/v1/server/readyz` (pmm-auth §1.3, pmm-auth §3.2).
 */
import { expect, inject } from 'vitest';
import { area, kase } from '../_support/case.ts';
import { expectStatus } from '../_support/expect-http.ts';
import { bearer, send } from '../_support/http.ts';
import { facts, PROFILES } from '../_support/profile.ts';

const READYZ_SOURCE = 'percona/pmm api-tests/server/readyz_test.go; managed/services/grafana/auth_server.go';
const NGINX_3 = 'percona/pmm build/ansible/roles/nginx/files/conf.d/pmm.conf (3.x)';
const F = facts(inject('target'));
const BOTH = { profiles: PROFILES };

area('health: no credentials needed', () => {
  kase(
    {
      id: 'srv.health.001',
      level: 'MUST',
      sends: 'GET /v1/readyz without credentials',
      expects: '200 {}',
      ref: 'pmm-auth §3.2, pmm-auth §2.1 (rule /v1/readyz none), pmm-auth §1.3 (3.x rewrite to /v1/server/readyz)',
      source: `${READYZ_SOURCE}; ${NGINX_3}`,
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: '/v1/readyz' });
      expectStatus(res, 200, '200 {}');
      expect(res.json()).toEqual({});
    },
  );

  kase(
    {
      id: 'srv.health.002',
      level: 'MUST',
      sends: 'GET /ping without credentials',
      expects: `200 {} (nginx rewrites /ping to ${F.readyzPath})`,
      ref: 'pmm-auth §3.2, pmm-auth §1.3, pmm-auth §2.1 (rule /ping none)',
      source: `${READYZ_SOURCE}; update/ansible/playbook/tasks/roles/nginx/files/conf.d/pmm.conf; ${NGINX_3}`,
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: '/ping' });
      expectStatus(res, 200, '200 {}');
      expect(res.json()).toEqual({});
    },
  );

  kase(
    {
      id: 'srv.health.003',
      level: 'MUST',
      sends: 'GET /graph/api/health without credentials',
      expects: '200 JSON with "database":"ok"',
      ref: 'grafana-auth §6.3, grafana-auth §3.1; pmm-auth §2.1 (rule /graph none)',
      source: 'grafana/grafana pkg/api/http_server.go (9.x, apiHealthHandler; 11.x struct)',
      ...BOTH,
    },
    async (t) => {
      const res = await send(t, { path: '/graph/api/health' });
      expectStatus(res, 200, '200 JSON with "database":"ok"');
      expect(res.headers['content-type'] ?? '').toMatch(/^application\/json/);
      expect(res.json<{ database?: unknown }>().database).toBe('ok');
    },
  );

  kase(
    {
      id: 'srv.health.004',
      level: 'SHOULD',
      sends: `GET ${F.readyzPath} with Authorization: Bearer <a wrong key>`,
      expects: '200 {} (role none never asks Grafana about the credentials)',
      ref: 'pmm-auth §2.2 step 4, pmm-auth §3.2',
      source: 'percona/pmm managed/services/grafana/auth_server.go',
      ...BOTH,
    },
    async (t) => {
      const wrong = Buffer.from(JSON.stringify({ k: 'B'.repeat(32), n: 'pmmconf-no-such-key', id: 1 })).toString(
        'base64',
      );
      const res = await send(t, { path: F.readyzPath, headers: bearer(wrong) });
      expectStatus(res, 200, '200 {} despite the wrong key');
      expect(res.json()).toEqual({});
    },
  );

  kase(
    {
      id: 'srv.health.005',
      level: 'MUST',
      sends: 'GET /v1/server/readyz without credentials',
      expects: '200 {}',
      ref: 'pmm-auth §3.2, pmm-auth §2.1 (rule /v1/server/readyz none), pmm-auth §1.1 (the Docker HEALTHCHECK URL)',
      source:
        'percona/pmm api-tests/server/auth_test.go (T-3t TestSetup: v1/server/readyz 200); build/docker/server/Dockerfile.el9',
      profiles: ['pmm3'],
      notOn: 'PMM 2.41 has no /v1/server/readyz (its readiness endpoint is /v1/readyz, srv.health.001)',
    },
    async (t) => {
      const res = await send(t, { path: '/v1/server/readyz' });
      expectStatus(res, 200, '200 {}');
      expect(res.json()).toEqual({});
    },
  );
});
