/**
 * fast-check arbitraries of hostile and careless requests (issue 12's fuzz suite), shared by the
 * fuzz test (mock/fuzz/fuzz.test.ts) and the long run (scripts/fuzz.ts). A request is a plain,
 * printable description: a real key is named (`{ key: 'admin' }`), never held, so a shrunk
 * counterexample prints no key; fuzz-request.ts makes the request of it with the mock's keys.
 */
import fc from 'fast-check';
import { pathArb, pathChar, pathOf, ROUTES } from './path-arbitraries.ts';

/** Which of the mock's keys a request uses (the seeded keys; `token`: a pmm3 service-account token). */
export type KeyRef = 'viewer' | 'editor' | 'admin' | 'token' | 'created';

/** How a real key is spoilt before it is sent. */
export type Mangle =
  | { readonly op: 'none' }
  | { readonly op: 'truncate' | 'insert' | 'replace'; readonly at: number; readonly char: string }
  | { readonly op: 'append'; readonly text: string }
  | { readonly op: 'upper' | 'lower' | 'percent' | 'base64' | 'twice' };

/** A value that is text, or one of the mock's keys (mangled). */
export type Secret = { readonly text: string } | { readonly key: KeyRef; readonly mangle: Mangle };

export interface AuthSpec {
  /** `Bearer`, `bearer`, `Basic`, `Token`, garbage… */
  readonly scheme: string;
  /** Between scheme and credential: one space, several, a tab, none. */
  readonly sep: string;
  /** Basic: `login:secret` base64-encoded (login `api_key`, `service_token`, a user…). */
  readonly basicLogin?: string;
  readonly secret: Secret;
}

export interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly query: readonly (readonly [string, Secret])[];
  readonly auth?: AuthSpec;
  readonly contentType?: string;
  readonly body?: string;
  readonly listener: 'https' | 'http';
  /** Other headers (the control API's Origin and Host). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Latin-1 text a header may carry (no NUL, CR, LF: the Headers API refuses those). */
const latin1Char = fc
  .integer({ min: 1, max: 255 })
  .filter((n) => n !== 10 && n !== 13)
  .map((n) => String.fromCharCode(n));
const latin1 = (maxLength: number) => fc.string({ unit: latin1Char, maxLength });
const base64Char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_'.split(''));
const base64Garbage = fc.string({ unit: base64Char, maxLength: 120 });

const mangle: fc.Arbitrary<Mangle> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ op: 'none' as const }) },
  fc.record({
    op: fc.constantFrom('truncate' as const, 'insert' as const, 'replace' as const),
    at: fc.nat(200),
    char: latin1Char,
  }),
  fc.record({ op: fc.constant('append' as const), text: latin1(8) }),
  fc.record({
    op: fc.constantFrom('upper' as const, 'lower' as const, 'percent' as const, 'base64' as const, 'twice' as const),
  }),
);

const keyRef = fc.constantFrom<KeyRef>('viewer', 'editor', 'admin', 'token', 'created');

const secret: fc.Arbitrary<Secret> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ key: keyRef, mangle }) },
  fc.record({
    text: fc.oneof(
      latin1(40),
      base64Garbage,
      base64Garbage.map((s) => `eyJ${s}`),
      fc.string({ unit: base64Char, minLength: 0, maxLength: 40 }).map((s) => `glsa_${s}`),
      fc.string({ unit: base64Char, maxLength: 40 }).map((s) => `glc_${s}`),
      fc.integer({ min: 1000, max: 70_000 }).map((n) => 'a'.repeat(n)),
      fc.constantFrom('admin-test-pw', 'viewer-pw', '', ' ', '\u00e9\u00ff', '=='),
    ),
  }),
);

const auth: fc.Arbitrary<AuthSpec> = fc.record(
  {
    scheme: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('Bearer', 'Basic') },
      { weight: 2, arbitrary: fc.constantFrom('bearer', 'BEARER', 'basic', 'Token', 'Bearer:', 'Digest', '') },
      latin1(10),
    ),
    sep: fc.oneof({ weight: 6, arbitrary: fc.constant(' ') }, fc.constantFrom('  ', '\t', '', ' \t ')),
    basicLogin: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('api_key', 'service_token') },
      fc.constantFrom('admin', 'viewer', '', 'API_KEY', '\u00e9'),
    ),
    secret,
  },
  { requiredKeys: ['scheme', 'sep', 'secret'] },
);

const queryPair = fc.tuple(
  fc.oneof(
    fc.constantFrom('api_key', 'key', 'token', 'k', 'x', 'since', 'auth_token'),
    fc.string({ unit: pathChar, maxLength: 6 }),
  ),
  fc.oneof({ weight: 2, arbitrary: fc.record({ text: fc.string({ unit: pathChar, maxLength: 12 }) }) }, secret),
);

/** JSON text: valid, wrong types, huge numbers, deep nesting, broken. */
const keyBody = fc.record(
  {
    name: fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer({ min: 185, max: 260 }).map((n) => 'n'.repeat(n)),
      fc.integer(),
      fc.constant(null),
    ),
    role: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('Viewer', 'Editor', 'Admin') },
      fc.constantFrom('None', 'viewer', ''),
      fc.integer(),
      fc.constant(null),
    ),
    secondsToLive: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(8_640_000_000_000, 9e12, -1, 1e308, '60'),
      fc.constant(null),
    ),
    isDisabled: fc.boolean(),
    login: fc.string({ maxLength: 10 }),
    server_name: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
  },
  { requiredKeys: [] },
);

export const jsonBodyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: keyBody.map((b) => JSON.stringify(b)) },
  fc.json({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 5000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.integer({ min: 1, max: 5000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
  fc.constantFrom('', '{', 'null', '[]', '1e999', '{"name":"x","role":"Viewer"', '\u00ff\u00fe', '{"name":"\\ud800"}'),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map((n) => `{"secondsToLive":${n},"name":"b","role":"Viewer"}`),
  latin1(60),
);

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/JSON',
];

/** Credentials that work, or nearly: the mock's keys as Bearer or Basic, the users' passwords. */
const goodAuth: fc.Arbitrary<AuthSpec> = fc.oneof(
  fc.record({ scheme: fc.constant('Bearer'), sep: fc.constant(' '), secret: fc.record({ key: keyRef, mangle }) }),
  fc.record({
    scheme: fc.constant('Basic'),
    sep: fc.constant(' '),
    basicLogin: fc.constantFrom('api_key', 'service_token'),
    secret: fc.record({ key: keyRef, mangle }),
  }),
  fc
    .constantFrom(['admin', 'admin-test-pw'], ['viewer', 'viewer-pw'], ['editor', 'editor-pw'], ['orgadmin', 'x'])
    .map(([login, password]) => ({ scheme: 'Basic', sep: ' ', basicLogin: login!, secret: { text: password! } })),
);

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'Post', 'PROPFIND', 'FOO'];

/** Any method, any known path, any credential. */
const anyRequest: fc.Arbitrary<RequestSpec> = fc.record(
  {
    method: fc.constantFrom(...METHODS),
    path: pathArb,
    query: fc.array(queryPair, { maxLength: 3 }),
    auth: fc.option(auth, { freq: 5, nil: undefined }),
    contentType: fc.constantFrom(...CONTENT_TYPES),
    body: jsonBodyArb,
    listener: fc.constantFrom('https' as const, 'http' as const),
  },
  { requiredKeys: ['method', 'path', 'query', 'listener', 'auth'] },
);

/** A route's own method and path, mostly good credentials, odd bodies: reaches the handlers. */
const routedRequest: fc.Arbitrary<RequestSpec> = fc
  .tuple(
    fc.constantFrom(...ROUTES),
    anyRequest,
    fc.oneof({ weight: 3, arbitrary: goodAuth }, auth),
    fc.oneof({ weight: 3, arbitrary: keyBody.map((b) => JSON.stringify(b)) }, jsonBodyArb),
  )
  .chain(([[method, path], rest, credential, body]) =>
    pathOf(fc.constant(path)).map((p) => ({
      ...rest,
      method,
      path: p,
      auth: credential,
      body,
      contentType: 'application/json',
    })),
  );

export const requestArb: fc.Arbitrary<RequestSpec> = fc.oneof(anyRequest, routedRequest);
