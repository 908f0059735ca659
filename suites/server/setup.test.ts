/**
 * PMM 2.41's AWS setup wizard and its test hook (pmm-auth §2.5; PMM's own TestSetup, pmm-auth §5.1
 * item 3): `X-Test-Must-Setup` sends the UI prefixes to 303 `Location: /setup` before any
 * credential is looked at, APIs stay open, `/setup` is a page without auth, and the instance check
 * answers only POST. PMM 3 removed the wizard; its `GET /v1/server/AWSInstance` remains (pmm-auth §3.3, pmm-auth §5.2).
 */
import { expect } from 'vitest';
import { area, kase } from '../_support/case.ts';
import { expectAuthLayerError, expectStatus } from '../_support/expect-http.ts';
import { send } from '../_support/http.ts';

const SETUP = { 'X-Test-Must-Setup': '1' };
const SOURCE =
  'percona/pmm managed/services/grafana/auth_server.go (mustSetup), update/ansible/playbook/tasks/roles/nginx/files/conf.d/pmm.conf (location /setup), api-tests/server/auth_test.go (TestSetup)';
const NO_WIZARD = 'PMM 3 has no AWS setup wizard: no /setup location, no X-Must-Setup (pmm-auth §2.5, pmm-auth §1.3)';

area('setup: the AWS setup wizard (PMM 2.41)', () => {
  kase(
    {
      id: 'srv.setup.001',
      level: 'MUST',
      sends:
        'GET /graph, /graph/, /prometheus, /prometheus/ without credentials and with X-Test-Must-Setup: 1 (redirects not followed)',
      expects: '303 with Location: /setup for each',
      ref: 'pmm-auth §2.5; pmm-auth §5.1',
      source: SOURCE,
      notOn: NO_WIZARD,
    },
    async (t) => {
      for (const path of ['/graph', '/graph/', '/prometheus', '/prometheus/']) {
        const res = await send(t, { path, headers: SETUP });
        expectStatus(res, 303, `303 to /setup for ${path}`);
        expect(res.headers.location, `Location of ${path}`).toBe('/setup');
      }
    },
  );

  kase(
    {
      id: 'srv.setup.002',
      level: 'MUST',
      sends: 'GET /setup without credentials, with X-Test-Must-Setup: 1',
      expects: '200, an HTML page starting with <!doctype html> (nginx serves it with auth_request off)',
      ref: 'pmm-auth §2.5; pmm-auth §1.3; pmm-auth §5.1',
      source: SOURCE,
      notOn: NO_WIZARD,
    },
    async (t) => {
      const res = await send(t, { path: '/setup', headers: SETUP });
      expectStatus(res, 200, '200 with the setup page');
      expect(res.text.startsWith('<!doctype html>'), res.text.slice(0, 80)).toBe(true);
    },
  );

  kase(
    {
      id: 'srv.setup.003',
      level: 'MUST',
      sends:
        'GET /v1/AWSInstanceCheck, then POST /v1/AWSInstanceCheck {"instance_id":"123"} without Content-Type, no credentials, X-Test-Must-Setup: 1',
      expects: '501 code 12 (only POST is routed); 200 with the body {}',
      ref: 'pmm-auth §5.1; pmm-auth §2.6; pmm-auth §3.3',
      source: `${SOURCE}; grpc-ecosystem/grpc-gateway runtime (routing error 405 → Unimplemented)`,
      notOn: 'PMM 3 renamed it to GET /v1/server/AWSInstance (srv.setup.005)',
    },
    async (t) => {
      const wrong = await send(t, { path: '/v1/AWSInstanceCheck', headers: SETUP });
      expectStatus(wrong, 501, '501 for GET (only POST is routed)');
      expect(wrong.json<{ code: number }>().code).toBe(12);
      const res = await send(t, {
        method: 'POST',
        path: '/v1/AWSInstanceCheck',
        headers: SETUP,
        body: '{"instance_id":"123"}',
      });
      expectStatus(res, 200, '200 {}');
      expect(res.text).toBe('{}');
    },
  );

  kase(
    {
      id: 'srv.setup.004',
      level: 'MUST',
      sends: 'GET /v1/readyz and GET /v1/version without credentials, with X-Test-Must-Setup: 1',
      expects: '200 {} and 401 code 16: the wizard blocks only the UI prefixes, never the APIs',
      ref: 'pmm-auth §2.5; pmm-auth §5.1',
      source: SOURCE,
      notOn: NO_WIZARD,
    },
    async (t) => {
      expectStatus(await send(t, { path: '/v1/readyz', headers: SETUP }), 200, '200 from readyz');
      expectAuthLayerError(await send(t, { path: '/v1/version', headers: SETUP }), 16);
    },
  );

  kase(
    {
      id: 'srv.setup.005',
      level: 'MUST',
      sends: 'GET /v1/server/AWSInstance, then GET /v1/server/AWSInstance?instance_id=123, without credentials',
      expects: '400 code 3 (it must have a parameter); 200 with the body {}',
      ref: 'pmm-auth §3.3; pmm-auth §5.2',
      source:
        'percona/pmm api-tests/server/auth_test.go @01548a24 (TestSetup), managed/services/grafana/auth_server.go (rule /v1/server/AWSInstance none)',
      profiles: ['pmm3'],
      notOn: 'PMM 2.41 has POST /v1/AWSInstanceCheck (srv.setup.003)',
    },
    async (t) => {
      const bare = await send(t, { path: '/v1/server/AWSInstance' });
      expectStatus(bare, 400, '400 without instance_id');
      expect(bare.json<{ code: number }>().code).toBe(3);
      const res = await send(t, { path: '/v1/server/AWSInstance?instance_id=123' });
      expectStatus(res, 200, '200 {}');
      expect(res.text).toBe('{}');
    },
  );
});
