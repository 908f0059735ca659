/**
 * `npm run soak`'s mixed traffic, one autocannon request list that every connection cycles
 * through: Bearer keys valid, unknown and expired, Basic `api_key:`, a user, key create + delete
 * churn, the key list, and (pmm3) a service-account token. Each request knows the status it must
 * get; any other is counted as unexpected, by kind.
 */
import type { Request } from 'autocannon';
import { bump } from './stats.ts';

export interface Credentials {
  readonly validKey: string;
  readonly expiredKey: string;
  readonly user: { readonly login: string; readonly password: string };
  readonly admin: { readonly login: string; readonly password: string };
  /** pmm3: a `glsa_` token; null on pmm2. */
  readonly token: string | null;
}

/** A well-formed legacy key (`{"k":"nope","n":"x","id":1}`) that the mock never issued. */
const UNKNOWN_KEY = Buffer.from('{"k":"nope","n":"x","id":1}').toString('base64');

const basic = (login: string, password: string): string =>
  `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

interface Kind {
  readonly name: string;
  readonly expect: number;
  readonly request: Request;
}

function kinds(c: Credentials, nextName: () => string): Kind[] {
  const admin = basic(c.admin.login, c.admin.password);
  const list: Kind[] = [
    // The seeded valid key is an Admin key: every read below is allowed to it.
    { name: 'bearer-valid', expect: 200, request: { path: '/v1/version', headers: bearer(c.validKey) } },
    { name: 'bearer-unknown', expect: 401, request: { path: '/v1/version', headers: bearer(UNKNOWN_KEY) } },
    { name: 'bearer-expired', expect: 401, request: { path: '/v1/version', headers: bearer(c.expiredKey) } },
    {
      name: 'basic-api-key',
      expect: 200,
      request: { path: '/graph/api/auth/keys', headers: { authorization: basic('api_key', c.validKey) } },
    },
    {
      name: 'user',
      expect: 200,
      request: { path: '/graph/api/user', headers: { authorization: basic(c.user.login, c.user.password) } },
    },
    {
      name: 'key-create',
      expect: 200,
      request: {
        method: 'POST',
        path: '/graph/api/auth/keys',
        headers: { authorization: admin, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ name: nextName(), role: 'Viewer' }) }),
        onResponse: (status, body, context) => {
          context.keyId = status === 200 ? idOf(body) : null;
        },
      },
    },
    {
      name: 'key-delete',
      expect: 200,
      request: {
        method: 'DELETE',
        headers: { authorization: admin },
        setupRequest: (req, context) => ({ ...req, path: `/graph/api/auth/keys/${String(context.keyId)}` }),
      },
    },
    { name: 'key-list', expect: 200, request: { path: '/graph/api/auth/keys', headers: { authorization: admin } } },
  ];
  if (c.token) list.push({ name: 'token', expect: 200, request: { path: '/v1/version', headers: bearer(c.token) } });
  return list;
}

function idOf(body: string): number | null {
  try {
    return (JSON.parse(body) as { id?: number }).id ?? null;
  } catch {
    return null;
  }
}

function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** The request list, counting into `unexpected` (`kind:status` → n) every answer whose status is not the expected one. */
export function mixedRequests(c: Credentials, unexpected: Map<string, number>): Request[] {
  let n = 0;
  return kinds(c, () => `soak-${process.pid}-${n++}`).map((k) => {
    const own = k.request.onResponse;
    return {
      method: 'GET',
      ...k.request,
      onResponse: (status, body, context) => {
        if (status !== k.expect) bump(unexpected, `${k.name}:${status}`);
        own?.(status, body, context);
      },
    };
  });
}
