/** pmm-managed and friends behind the auth layer (pmm-auth §3). */
import type { AppDeps, Ctx } from '../context.ts';
import { GRPC, GRPC_CODE_NAMES, grpcError, grpcErrorResponse, json, protoJson } from '../errors.ts';

/** pmm-auth §3.1: the api-tests hook `?dummy=grpccode-N` answers gRPC error N "gRPC code N (<Name>)". */
const DUMMY_GRPC_CODE = /^grpccode-(\d+)$/;

/** getVersion — `GET /v1/version` (and `/managed/v1/version`, rewritten to it): pmm-auth §3.1. */
export function getVersion(deps: AppDeps) {
  return function getVersion(c: Ctx): Response {
    const dummy = DUMMY_GRPC_CODE.exec(c.req.query('dummy') ?? '');
    const code = dummy ? Number(dummy[1]) : undefined;
    if (code !== undefined && code > 0 && code in GRPC_CODE_NAMES) {
      throw grpcError(deps.profile, code, `gRPC code ${code} (${GRPC_CODE_NAMES[code]})`);
    }
    return protoJson(200, deps.profile.version);
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
    let body: unknown;
    try {
      body = JSON.parse((await c.req.text()) || '{}');
    } catch (e) {
      throw grpcError(deps.profile, GRPC.InvalidArgument, (e as Error).message);
    }
    const serverName = (body as { server_name?: unknown } | null)?.server_name;
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
  return function notFound(c: Ctx): Response {
    const path = new URL(c.req.url).pathname;
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
