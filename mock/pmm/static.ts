/**
 * What PMM's nginx serves from disk (pmm-auth §1.3): 2.41's setup-wizard page (`location /setup`)
 * and the Swagger UI with its API document (`location /swagger`, `try_files $uri /index.html`).
 * The pages are the mock's own text; the document is a small Swagger 2.0 description of the
 * pmm-managed endpoints the profile serves (PMM's own swagger.json comes from grpc-gateway).
 */
import type { AppDeps, Ctx } from '../context.ts';
import type { PmmEndpoint, PmmOperation, Profile } from '../profiles/types.ts';

/** nginx's `types` map: `.html` → text/html, `.json` → application/json (no charset). */
const HTML = { 'Content-Type': 'text/html' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** pmm-auth §2.5, pmm-auth §5.1 item 3: the setup page; PMM's tests check it starts with `<!doctype html>`. */
export function getSetupPage(deps: AppDeps) {
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>PMM Server setup</title></head>
<body>
<h1>PMM Server setup</h1>
<p>${deps.profile.title} runs on Amazon Web Services: confirm the EC2 instance ID of this server to continue.</p>
<form id="setup"><label>Instance ID <input name="instance_id" required></label> <button type="submit">Submit</button></form>
<p id="result" role="status"></p>
<script>
document.getElementById('setup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const res = await fetch('/v1/AWSInstanceCheck', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ instance_id: new FormData(event.target).get('instance_id') }),
  });
  if (res.ok) location.assign('/graph/');
  else document.getElementById('result').textContent = (await res.json()).message;
});
</script>
</body>
</html>
`;
  return function getSetupPage(c: Ctx): Response {
    return c.body(page, 200, HTML);
  };
}

/** pmm-auth §1.3: `/swagger` (and what `try_files` falls back for) is the UI's index.html. */
export function getSwaggerUi(deps: AppDeps) {
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>PMM API — Swagger UI</title></head>
<body>
<h1>PMM API</h1>
<p>${deps.profile.title}: pmm-auth-mock serves no Swagger UI, only its API document:
<a href="/swagger.json">/swagger.json</a> (Swagger 2.0).</p>
</body>
</html>
`;
  return function getSwaggerUi(c: Ctx): Response {
    return c.body(page, 200, HTML);
  };
}

/** pmm-auth §1.3: `/swagger.json`, the API document. */
export function getSwaggerJson(deps: AppDeps) {
  const body = `${JSON.stringify(swaggerDocument(deps.profile), null, 2)}\n`;
  return function getSwaggerJson(c: Ctx): Response {
    return c.body(body, 200, JSON_TYPE);
  };
}

const SUMMARIES: Readonly<Partial<Record<PmmOperation, string>>> = {
  version: 'Version returns PMM Server versions.',
  readyz: 'Readiness returns an error when PMM Server components are not ready yet.',
  settings: 'GetSettings returns the current PMM Server settings.',
  settingsReadonly: 'GetReadOnlySettings returns the settings a viewer may read.',
  platformConnect: 'Connect connects PMM Server to Percona Platform.',
  awsInstanceCheck: 'AWSInstanceCheck checks the AWS EC2 instance ID.',
};

/** What the document lists: pmm-managed's own JSON API (Grafana's API is not part of PMM's document). */
function documented(profile: Profile): PmmEndpoint[] {
  return profile.pmmEndpoints.filter((e) => e.upstream === 'managed' && e.path.startsWith('/v1/'));
}

function operationOf(e: PmmEndpoint): Record<string, unknown> {
  const parameters: Record<string, unknown>[] = [];
  if (e.method !== 'GET') parameters.push({ name: 'body', in: 'body', required: true, schema: { type: 'object' } });
  else if (e.operation === 'awsInstanceCheck')
    parameters.push({ name: 'instance_id', in: 'query', required: false, type: 'string' });
  return {
    operationId: `${e.operation}${e.method === 'GET' ? '' : e.method[0] + e.method.slice(1).toLowerCase()}_${e.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
    summary: SUMMARIES[e.operation] ?? e.operation,
    tags: ['pmm-managed'],
    parameters,
    responses: {
      200: { description: 'A successful response.', schema: { type: 'object' } },
      default: { description: 'An unexpected error response.', schema: { $ref: '#/definitions/HttpError' } },
    },
  };
}

/** A Swagger 2.0 document of the profile's pmm-managed endpoints, with PMM's two ways to authenticate. */
export function swaggerDocument(profile: Profile): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of documented(profile)) (paths[e.path] ??= {})[e.method.toLowerCase()] = operationOf(e);
  return {
    swagger: '2.0',
    info: {
      title: 'PMM Server API (pmm-auth-mock)',
      description: `The pmm-managed endpoints ${profile.title} serves in pmm-auth-mock.`,
      version: profile.version.version,
    },
    schemes: ['https', 'http'],
    consumes: ['application/json'],
    produces: ['application/json'],
    securityDefinitions: {
      basic: { type: 'basic', description: 'A Grafana user, or api_key:<key> / service_token:<token>.' },
      bearer: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'Bearer <API key or token>' },
    },
    security: [{ basic: [] }, { bearer: [] }],
    paths,
    definitions: {
      HttpError: {
        type: 'object',
        properties: {
          error: { type: 'string' },
          code: { type: 'integer', format: 'int32' },
          message: { type: 'string' },
          details: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  };
}
