/**
 * fast-check arbitraries of request paths (issue 12's fuzz suite): the routes the profiles serve,
 * paths around them, and edits that a careless or hostile client makes to them (./arbitraries.ts
 * builds the requests).
 */
import fc from 'fast-check';
import { PROFILES } from '../profiles/index.ts';

/** The routes the profiles serve (a `{id}` is filled in; mock/routes.ts), and paths around them. */
const SA = '/graph/api/serviceaccounts';
const GRAFANA_ROUTES: readonly (readonly [string, string])[] = [
  ['GET', '/graph/api/auth/key'],
  ['GET', '/graph/api/auth/keys'],
  ['POST', '/graph/api/auth/keys'],
  ['DELETE', '/graph/api/auth/keys/{id}'],
  ['GET', '/graph/api/health'],
  ['GET', '/graph/api/user'],
  ['GET', '/graph/api/user/orgs'],
  ['GET', '/graph/api/dashboards/home'],
  ['GET', '/graph/api/auth/serviceaccount'],
  ['POST', '/graph/api/admin/users'],
  ['DELETE', '/graph/api/admin/users/{id}'],
  ['PUT', '/graph/api/admin/users/{id}/password'],
  ['GET', '/graph/api/org/users'],
  ['PATCH', '/graph/api/org/users/{id}'],
  ['GET', '/graph/api/users/lookup'],
  ['POST', SA],
  ['GET', `${SA}/search`],
  ['GET', `${SA}/migrationstatus`],
  ['POST', `${SA}/hideApiKeys`],
  ['POST', `${SA}/migrate`],
  ['POST', `${SA}/migrate/{id}`],
  ['GET', `${SA}/{id}`],
  ['PATCH', `${SA}/{id}`],
  ['DELETE', `${SA}/{id}`],
  ['GET', `${SA}/{id}/tokens`],
  ['POST', `${SA}/{id}/tokens`],
  ['DELETE', `${SA}/{id}/tokens/{id}`],
];
export const ROUTES = [
  ...GRAFANA_ROUTES,
  ...Object.values(PROFILES).flatMap((p) => p.pmmEndpoints.map((e) => [e.method, e.path] as const)),
];
const OTHER_PATHS = [
  '/graph',
  '/graph/login',
  '/graph/api/nothing',
  '/',
  '/v1/nothing',
  '/v1/management/Node/List',
  '/swagger/',
  '/swagger/swagger.json',
  '/setup',
  '/__mock/routes',
];
const KNOWN_PATHS = [...new Set([...ROUTES.map(([, p]) => p), ...OTHER_PATHS])];

const id = fc.oneof(
  fc.nat(12).map(String),
  fc.constantFrom('-1', '0', '99999999999999999999', '1e3', 'abc', '%31', '', '0x1', '1.5', ' 1'),
);

/** Path characters (printable ASCII but `#` and `?`, and a little Latin-1). */
export const pathChar = fc
  .oneof(
    fc.integer({ min: 0x21, max: 0x7e }).filter((n) => n !== 0x23 && n !== 0x3f),
    fc.integer({ min: 0xa0, max: 0xff }),
  )
  .map((n) => String.fromCharCode(n));

type PathEdit = { readonly op: string; readonly at: number; readonly text: string };
const pathEdit: fc.Arbitrary<PathEdit> = fc.record({
  op: fc.constantFrom(
    'graph',
    'dot',
    'dotdot',
    'double',
    'encode',
    'encode2',
    'badescape',
    'upper',
    'trailing',
    'segment',
  ),
  at: fc.nat(400),
  text: fc.string({ unit: pathChar, maxLength: 12 }),
});

/** Applies one edit: a /graph prefix toggled, dot segments, `//`, escapes, case, a segment. */
function edit(path: string, e: PathEdit): string {
  const slashes = [...path.matchAll(/\//g)].map((m) => m.index);
  const cut = slashes[e.at % slashes.length] ?? 0;
  const at = 1 + (e.at % Math.max(1, path.length - 1));
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  switch (e.op) {
    case 'graph':
      return path.startsWith('/graph') ? path.slice('/graph'.length) || '/' : `/graph${path}`;
    case 'dot':
      return `${path.slice(0, cut)}/.${path.slice(cut)}`;
    case 'dotdot':
      return `${path.slice(0, cut)}/${e.text.replaceAll('/', '') || 'x'}/..${path.slice(cut)}`;
    case 'double':
      return `${path.slice(0, cut)}/${path.slice(cut)}`;
    case 'encode':
      return path.slice(0, at) + hex(path[at] ?? '/') + path.slice(at + 1);
    case 'encode2':
      return `${path.slice(0, at)}%25${hex(path[at] ?? '/').slice(1)}${path.slice(at + 1)}`;
    case 'badescape':
      return `${path.slice(0, at)}%${e.text.slice(0, 2)}${path.slice(at)}`;
    case 'upper':
      return path.toUpperCase();
    case 'trailing':
      return `${path}/`;
    default:
      return `${path}/${e.text}`;
  }
}

/** A path of `template`: its `{id}`s filled in, and none to three edits. */
export const pathOf = (template: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(
      template,
      id,
      id,
      fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, fc.array(pathEdit, { minLength: 1, maxLength: 3 })),
    )
    .map(([p, a, b, edits]) => {
      let n = 0;
      const filled = p.replaceAll('{id}', () => (n++ === 0 ? a : b));
      // Whatever the edits, a request target starts with `/` (else the URL would name another host).
      return edits.reduce(edit, filled).replace(/^\/*/, '/');
    });

export const pathArb: fc.Arbitrary<string> = pathOf(fc.constantFrom(...KNOWN_PATHS));
