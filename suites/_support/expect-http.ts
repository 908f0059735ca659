/**
 * Assertions in the reference's terms: on failure they say what the case expects, then what
 * arrived (status, headers that matter, body).
 */
import { expect } from 'vitest';
import type { HttpResult } from './http.ts';
import { redactSecrets } from './redact.ts';

export { redactSecrets };

function arrived(res: HttpResult): string {
  return `got ${res.status} ${res.headers['content-type'] ?? ''} ${JSON.stringify(redactSecrets(res.text.slice(0, 400)))}`;
}

export function expectStatus(res: HttpResult, status: number, expects = `HTTP ${status}`): void {
  expect(res.status, `expected ${expects}; ${arrived(res)}`).toBe(status);
}

/** pmm-auth §1.4: the auth layer's compact error, HTTP 401 (2.41), `{"code","error","message"}` with error == message. */
export function expectAuthLayerError(res: HttpResult, code: number, message?: string): void {
  const what = `401 {"code":${code},"error":${message === undefined ? '…' : JSON.stringify(message)},"message":…} (pmm-auth §1.4)`;
  expectStatus(res, 401, what);
  const body = res.json<{ code?: unknown; error?: unknown; message?: unknown }>();
  expect(Object.keys(body).sort(), `expected ${what}; ${arrived(res)}`).toEqual(['code', 'error', 'message']);
  expect(body.code, `expected ${what}; ${arrived(res)}`).toBe(code);
  expect(body.error, `expected error == message; ${arrived(res)}`).toBe(body.message);
  if (message !== undefined) expect(body.message, `expected ${what}; ${arrived(res)}`).toBe(message);
}

/** A Grafana JSON error: status and the exact body (grafana-auth §1.3, grafana-auth §3.2, grafana-auth §7). */
export function expectGrafanaError(res: HttpResult, status: number, body: Record<string, unknown>): void {
  const what = `${status} ${JSON.stringify(body)}`;
  expectStatus(res, status, what);
  expect(res.json(), `expected ${what}; ${arrived(res)}`).toEqual(body);
}

/**
 * A Grafana error whose status and `message` the reference states but whose other fields vary by
 * version (11.x typed errors add messageId, statusCode, …: grafana-auth §3.5, grafana-auth §7).
 */
export function expectGrafanaMessage(res: HttpResult, status: number, message: string | RegExp): void {
  const what = `${status} {"message":${message instanceof RegExp ? String(message) : JSON.stringify(message)},…}`;
  expectStatus(res, status, what);
  const got = res.json<{ message?: unknown }>().message;
  if (message instanceof RegExp) expect(got, `expected ${what}; ${arrived(res)}`).toMatch(message);
  else expect(got, `expected ${what}; ${arrived(res)}`).toBe(message);
}

/** Grafana's invalid-key failure in 9.2 (grafana-auth §3.2). */
export const INVALID_KEY = { message: 'invalid Service Token/API key', traceID: '' };
export const INVALID_BASIC_HEADER = { message: 'Invalid Basic Auth Header', traceID: '' };
export const INVALID_LOGIN = { message: 'invalid username or password', traceID: '' };
export const UNAUTHORIZED = { message: 'Unauthorized' };
export const EXPIRED = { message: 'Expired API key' };

/** Polls `probe` until `done` holds or `seconds` pass (PMM caches successful auth 3–6 s, pmm-auth §2.4). */
export async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
}
