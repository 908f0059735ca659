/** pmm-managed and friends behind the auth layer (pmm-auth §3). */
import type { AppDeps, Ctx } from '../context.ts';
import {
  GRPC,
  GRPC_CODE_NAMES,
  grpcError,
  grpcErrorResponse,
  json,
  protoJson,
  protoJsonAnswer,
  protoJsonText,
} from '../errors.ts';

/** pmm-auth §3.1: the api-tests hook `?dummy=grpccode-N` answers gRPC error N "gRPC code N (<Name>)". */
const DUMMY_GRPC_CODE = /^grpccode-(\d+)$/;

/** getVersion — `GET /v1/version` (and `/managed/v1/version`, rewritten to it): pmm-auth §3.1. */
export function getVersion(deps: AppDeps) {
  const version = protoJsonText(deps.profile.version);
  return function getVersion(c: Ctx): Response {
    const dummy = DUMMY_GRPC_CODE.exec(c.req.query('dummy') ?? '');
    const code = dummy ? Number(dummy[1]) : undefined;
    if (code !== undefined && code > 0 && code in GRPC_CODE_NAMES) {
      throw grpcError(deps.profile, code, `gRPC code ${code} (${GRPC_CODE_NAMES[code]})`);
    }
    return protoJsonAnswer(200, version);
  };
}

/** getReadyz — `GET /v1/readyz` and `/ping` (rewritten): 200 `{}` without credentials (pmm-auth §3.2). */
export function getReadyz() {
  return function getReadyz(): Response {
    return protoJson(200, {});
  };
}

/**
 * getSettings — `POST /v1/Settings/Get` (2.41) or `GET /v1/server/settings` (3.x), admin
 * (pmm-auth §3.3): the profile's representative settings (values UNVERIFIED against a real server).
 */
export function getSettings(deps: AppDeps) {
  return function getSettings(): Response {
    return protoJson(200, { settings: deps.profile.settings });
  };
}

/** getReadonlySettings — `GET /v1/server/settings/readonly`, viewer (pmm-auth §3.3, 3.x only). */
export function getReadonlySettings(deps: AppDeps) {
  return function getReadonlySettings(): Response {
    return protoJson(200, { settings: deps.profile.readonlySettings });
  };
}

/**
 * platformConnect — `POST /v1/Platform/Connect`, admin. pmm-auth §5.1: an admin without a body gets
 * 400 (grpc-gateway tolerates the empty body; request validation fails, code 3 — message UNVERIFIED).
 * With a server name the mock cannot reach Percona Platform: code 14 (mock's choice).
 */
export function platformConnect(deps: AppDeps) {
  return async function platformConnect(c: Ctx): Promise<Response> {
    const serverName = (await gatewayBody(c, deps)).server_name;
    if (typeof serverName !== 'string' || serverName === '') {
      throw grpcError(
        deps.profile,
        GRPC.InvalidArgument,
        'invalid ConnectRequest.ServerName: value length must be at least 1 runes',
      );
    }
    throw grpcError(deps.profile, GRPC.Unavailable, 'Failed to connect to Percona Platform: pmm-auth-mock is offline.');
  };
}

/**
 * awsInstanceCheck — 2.41 `POST /v1/AWSInstanceCheck {"instance_id":…}`, 3.x `GET
 * /v1/server/AWSInstance?instance_id=…` (pmm-auth §3.3), role none. pmm-auth §5.1 item 3, pmm-auth §5.2
 * (T-3t): an instance id → 200 `{}`; none → 400 (a Docker install checks no id: any id passes, LIKELY;
 * the validation message follows protoc-gen-validate's wording, LIKELY).
 */
export function awsInstanceCheck(deps: AppDeps) {
  return async function awsInstanceCheck(c: Ctx): Promise<Response> {
    const id = c.req.method === 'GET' ? (c.req.query('instance_id') ?? '') : (await gatewayBody(c, deps)).instance_id;
    if (id !== undefined && typeof id !== 'string')
      throw grpcError(deps.profile, GRPC.InvalidArgument, 'proto: invalid value for string field instance_id');
    if (id === undefined || id === '') {
      throw grpcError(
        deps.profile,
        GRPC.InvalidArgument,
        'invalid AWSInstanceCheckRequest.InstanceId: value length must be at least 1 runes',
      );
    }
    return protoJson(200, {});
  };
}

/**
 * grpc-gateway's body decoding (pmm-auth §2.6): an empty body is `{}`; what is not a JSON object is
 * code 3 (the mock's wording: protojson's text is UNVERIFIED).
 */
async function gatewayBody(c: Ctx, deps: AppDeps): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse((await c.req.text()) || '{}');
  } catch (e) {
    throw grpcError(deps.profile, GRPC.InvalidArgument, (e as Error).message);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw grpcError(deps.profile, GRPC.InvalidArgument, 'proto: syntax error: the body is not a JSON object');
  return body as Record<string, unknown>;
}

/** getAlerts — `GET /alertmanager/api/v2/alerts`, admin (pmm-auth §5.1): no alerts. */
export function getAlerts() {
  return function getAlerts(): Response {
    return json(200, []);
  };
}

/**
 * notFound — a path that passed the auth layer but that nothing serves: grpc-gateway's 404
 * (pmm-auth §2.6; 2.41 text "Not Found" UNVERIFIED). A header (not part of PMM) names what the
 * mock received, so a user sees why.
 */
export function notFound(deps: AppDeps) {
  const managed = new Map<string, string[]>();
  for (const e of deps.profile.pmmEndpoints)
    if (e.upstream === 'managed') managed.set(e.path, [...(managed.get(e.path) ?? []), e.method]);
  return function notFound(c: Ctx): Response {
    const path = new URL(c.req.url).pathname;
    const methods = managed.get(path);
    // pmm-auth §2.6: grpc-gateway's routing error for a known path with another method is 405 → code 12 (HTTP 501),
    // through PMM's handler in both versions (message LIKELY: http.StatusText(405)); pmm-auth §5.1 item 3 asserts the 501.
    if (methods && !methods.includes(c.req.method)) {
      const res = grpcErrorResponse(deps.profile, GRPC.Unimplemented, 'Method Not Allowed');
      res.headers.set('X-Pmm-Mock-Explain', `${c.req.method} ${path}: this path answers ${methods.join(', ')}`);
      return res;
    }
    const res =
      deps.profile.unknownRoute === 'gatewayDefault'
        ? protoJson(404, {
            code: GRPC.NotFound,
            message: `Endpoint not found: ${path}, http method: ${c.req.method}`,
            details: [],
          })
        : grpcErrorResponse(deps.profile, GRPC.NotFound, 'Not Found');
    res.headers.set('X-Pmm-Mock-Explain', `no route for ${c.req.method} ${path}; see GET /__mock/routes`);
    return res;
  };
}
