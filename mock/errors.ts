/**
 * Every error body the mock sends is built here: Grafana's JSON errors, PMM's auth-layer
 * errors, grpc-gateway errors and nginx's HTML pages. Handlers reject by throwing
 * `HTTPException` with one of these responses (one error path, see `app.onError`).
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { answer } from './answer.ts';
import type { GrafanaError, Profile } from './profiles/types.ts';

/** grafana-auth §3.2: JSON errors written by the context handler (observed capture, LIKELY for handlers). */
export const GRAFANA_CONTENT_TYPE = 'application/json; charset=UTF-8';
/** Grafana `response.JSON` sets plain `application/json` (UNVERIFIED, grafana-auth §7). */
export const JSON_CONTENT_TYPE = 'application/json';
/** grafana-auth §3.2: Grafana API responses carry these cache headers (observed capture). */
export const GRAFANA_API_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-cache',
  Expires: '-1',
  Pragma: 'no-cache',
};

export function json(
  status: number,
  body: unknown,
  contentType = JSON_CONTENT_TYPE,
  extra: Record<string, string> = {},
): Response {
  return answer(status, JSON.stringify(body), { 'Content-Type': contentType, ...extra });
}

/** A Grafana answer as Grafana sends it: JSON with Grafana's API headers (grafana-auth §3.2, grafana-auth §7). */
export function grafanaResponse(status: number, body: unknown, fromContext = false): Response {
  return json(status, body, fromContext ? GRAFANA_CONTENT_TYPE : JSON_CONTENT_TYPE, { ...GRAFANA_API_HEADERS });
}

/** Grafana error body: `message`, plus `"traceID":""` when an internal error was attached (grafana-auth §1.3, grafana-auth §7). */
export function grafanaErrorBody(message: string, traceID: boolean): Record<string, string> {
  return traceID ? { message, traceID: '' } : { message };
}

export function grafanaError(status: number, message: string, traceID = false): HTTPException {
  return grafanaFailure({ status, message, traceID });
}

/**
 * A profile's Grafana error. Typed (errutil) errors: from a route handler (grafana-auth §7)
 * `{message, messageId, statusCode, traceID}`; from the auth middleware (grafana-auth §3.5) also `"extra": null` first.
 */
export function grafanaErrorBodyOf(err: GrafanaError, fromContext: boolean): Record<string, unknown> {
  if (!err.messageId) return grafanaErrorBody(err.message, err.traceID);
  const typed = { message: err.message, messageId: err.messageId, statusCode: err.status, traceID: '' };
  return fromContext ? { extra: null, ...typed } : typed;
}

/** Rejects a route handler's request with a profile's Grafana error. */
export function grafanaFailure(err: GrafanaError): HTTPException {
  return reject(grafanaResponse(err.status, grafanaErrorBodyOf(err, false)));
}

/** grafana-auth §1.1: RBAC denial → 403 with accessErrorId, message naming the action, title (map keys sorted). */
export function accessDenied(action: string, accessErrorId: string): HTTPException {
  const message = `You'll need additional permissions to perform this action. Permissions needed: ${action}`;
  return reject(grafanaResponse(403, { accessErrorId, message, title: 'Access denied' }));
}

/** gRPC codes used by PMM's errors (pmm-auth §1.4, pmm-auth §2.6). */
export const GRPC = {
  InvalidArgument: 3,
  NotFound: 5,
  PermissionDenied: 7,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

/** pmm-auth §1.4: the auth layer's compact body (Go map → sorted keys, json.Encoder → trailing newline). */
export function authLayerError(profile: Profile, code: number, message: string): HTTPException {
  // pmm-auth §1.4: role too low is `accessDeniedStatus` (401 in 2.41); auth and internal errors are 401.
  const status = code === GRPC.PermissionDenied ? profile.accessDeniedStatus : 401;
  const body = `${JSON.stringify({ code, error: message, message })}\n`;
  return reject(answer(status, body, { 'Content-Type': JSON_CONTENT_TYPE }));
}

/** pmm-auth §2.6: standard gRPC → HTTP status mapping (grpc-gateway `HTTPStatusFromCode`). */
const GRPC_HTTP_STATUS: Readonly<Record<number, number>> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

export const GRPC_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'Canceled',
  2: 'Unknown',
  3: 'InvalidArgument',
  4: 'DeadlineExceeded',
  5: 'NotFound',
  6: 'AlreadyExists',
  7: 'PermissionDenied',
  8: 'ResourceExhausted',
  9: 'FailedPrecondition',
  10: 'Aborted',
  11: 'OutOfRange',
  12: 'Unimplemented',
  13: 'Internal',
  14: 'Unavailable',
  15: 'DataLoss',
  16: 'Unauthenticated',
};

/** Pretty JSON as protojson with `Indent: "  "` writes it (pmm-auth §2.6). */
export function protoJson(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return protoJsonAnswer(status, protoJsonText(body), extra);
}

/** The text of protoJson's answer, for a handler whose body never changes to render it once (issue 15). */
export const protoJsonText = (body: unknown): string => JSON.stringify(body, null, 2);

/** protoJson's answer with its text rendered already (protoJsonText). */
export function protoJsonAnswer(status: number, text: string, extra: Record<string, string> = {}): Response {
  return answer(status, text, { 'Content-Type': JSON_CONTENT_TYPE, ...extra });
}

/**
 * pmm-auth §2.6: grpc-gateway `HttpError` — fields error, code, message, details; `error` ==
 * `message`; empty `details` emitted only when the profile emits unpopulated fields; code 16
 * also sets `WWW-Authenticate: <message>`.
 */
export function grpcErrorResponse(profile: Profile, code: number, message: string): Response {
  const body: Record<string, unknown> = { error: message, code, message };
  if (profile.emitUnpopulated) body.details = [];
  const extra: Record<string, string> = code === GRPC.Unauthenticated ? { 'WWW-Authenticate': message } : {};
  return protoJson(GRPC_HTTP_STATUS[code] ?? 500, body, extra);
}

export function grpcError(profile: Profile, code: number, message: string): HTTPException {
  return reject(grpcErrorResponse(profile, code, message));
}

/** nginx's default error page (`server_tokens off`: no version), as PMM's nginx sends it (pmm-auth §1.1). */
export function nginxPage(
  status: number,
  reason: string,
  extra: Record<string, string> = {},
  detail?: string,
): Response {
  const title = `${status} ${detail ?? reason}`;
  const detailLine = detail ? `<center>${detail}</center>\r\n` : '';
  const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n${detailLine}<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return answer(status, html, { 'Content-Type': 'text/html', ...extra });
}

/** pmm-auth §1.1: `client_max_body_size 10m` → 413 before any auth. */
export function bodyTooLarge(): HTTPException {
  return reject(nginxPage(413, 'Request Entity Too Large'));
}

/** The mock's control API errors (not part of PMM). */
export function controlError(status: ContentfulStatusCode, message: string): HTTPException {
  return reject(json(status, { error: message }));
}

/** Rejects the request with an already-built response. */
export function reject(res: Response): HTTPException {
  return new HTTPException(res.status as ContentfulStatusCode, { res });
}
