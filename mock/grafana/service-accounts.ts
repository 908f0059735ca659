/**
 * Grafana's service accounts under /graph/api/serviceaccounts (grafana-auth §5.3): create (with
 * Percona's `force`), search, get, update, delete. Served only by profiles that have them
 * (`profile.serviceAccounts`); errors are the profile's data.
 */
import { createHash } from 'node:crypto';
import type { AppDeps, Ctx } from '../context.ts';
import { grafanaFailure, grafanaResponse } from '../errors.ts';
import type { OrgRole, ServiceAccountErrorKind, ServiceAccountFacts } from '../profiles/types.ts';
import { ORG_ID, type ServiceAccount } from '../rows.ts';
import type { Store } from '../store.ts';
import { parseBool, parseInt64 } from '../go/strconv.ts';
import { goTime } from '../go/time.ts';
import { byName } from './sql.ts';
import { bindJsonFields, parseRole } from './bind.ts';
import { includesRole, requireOrgAdmin } from './keys.ts';

/** grafana-auth §5.3: search `perpage` defaults to 1000, `page` to 1. */
const DEFAULT_PER_PAGE = 1000;

export function facts(deps: AppDeps): ServiceAccountFacts {
  const f = deps.profile.serviceAccounts;
  if (!f) throw new Error(`profile ${deps.profile.name} serves no service accounts`);
  return f;
}

/** Rejects with the profile's error of this kind. */
export function saFailure(deps: AppDeps, kind: ServiceAccountErrorKind): never {
  throw grafanaFailure(facts(deps).errors[kind]);
}

/** grafana-auth §5.3 [P11-SASTORE]: login = `sa-` + the lower-cased name, spaces → `-`. */
export function serviceAccountLogin(name: string): string {
  return `sa-${name.toLowerCase().replaceAll(' ', '-')}`;
}

function avatarUrl(sa: ServiceAccount): string {
  // Grafana's gravatar URL under PMM's /graph sub-URL; the hashed value for accounts is UNVERIFIED.
  return `/graph/avatar/${createHash('md5').update(sa.login).digest('hex')}`;
}

/** grafana-auth §5.3: search item / create answer — id, name, login, orgId, isDisabled, role, tokens, avatarUrl. */
export function serviceAccountDto(store: Store, sa: ServiceAccount): Record<string, unknown> {
  return {
    id: sa.id,
    name: sa.name,
    login: sa.login,
    orgId: sa.orgId,
    isDisabled: sa.isDisabled,
    role: sa.role,
    tokens: store.tokensOf(sa.id).length,
    avatarUrl: avatarUrl(sa),
  };
}

/** grafana-auth §5.3: GET /:id profile — id, name, login, orgId, isDisabled, createdAt, updatedAt, avatarUrl, role, teams, tokens. */
export function serviceAccountProfile(store: Store, sa: ServiceAccount): Record<string, unknown> {
  return {
    id: sa.id,
    name: sa.name,
    login: sa.login,
    orgId: sa.orgId,
    isDisabled: sa.isDisabled,
    createdAt: goTime(sa.createdMs),
    updatedAt: goTime(sa.updatedMs),
    avatarUrl: avatarUrl(sa),
    role: sa.role,
    teams: [],
    tokens: store.tokensOf(sa.id).length,
  };
}

/** Finds an account of the org by name or by the login its name makes (Grafana's users are unique by login). */
export function serviceAccountNamed(store: Store, name: string): ServiceAccount | undefined {
  const login = serviceAccountLogin(name);
  return store.serviceAccountsOfOrg(ORG_ID).find((sa) => sa.name === name || sa.login === login);
}

/** Creates a service account in org 1 (the caller has checked that the name is free). */
export function createServiceAccount(
  deps: Pick<AppDeps, 'store' | 'clock'>,
  cmd: { name: string; role: OrgRole; isDisabled?: boolean },
): ServiceAccount {
  return deps.store.addServiceAccount(
    {
      orgId: ORG_ID,
      name: cmd.name,
      login: serviceAccountLogin(cmd.name),
      role: cmd.role,
      isDisabled: cmd.isDisabled ?? false,
    },
    deps.clock.nowMs(),
  );
}

/** Binds the body of create/update: name, role (profile's parsing), isDisabled; undefined on a bind error. */
function bindAccountCommand(
  deps: AppDeps,
  c: Ctx,
  text: string,
): { name?: string; role?: OrgRole; isDisabled?: boolean; force: boolean } | undefined {
  const f = bindJsonFields(c.req.header('content-type'), text);
  if (!f) return undefined;
  const out: { name?: string; role?: OrgRole; isDisabled?: boolean; force: boolean } = { force: false };
  if (f.name !== undefined && f.name !== null) {
    if (typeof f.name !== 'string') return undefined;
    out.name = f.name;
  }
  if (f.role !== undefined) {
    const role = parseRole(f.role, deps.profile.keyRoles, deps.profile.roleParsing === 'titleCase');
    if (!role) return undefined;
    out.role = role;
  }
  for (const [field, key] of [
    ['isdisabled', 'isDisabled'],
    ['force', 'force'],
  ] as const) {
    const v = f[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') return undefined;
    out[key] = v;
  }
  return out;
}

/** The account named by the `:serviceAccountId` path parameter, or the profile's 400/404. */
export function accountOfPath(deps: AppDeps, c: Ctx, missing: ServiceAccountErrorKind = 'notFound'): ServiceAccount {
  const id = parseInt64(c.req.param('serviceAccountId'));
  if (id === undefined) saFailure(deps, 'invalidId');
  const sa = deps.store.serviceAccountById(id);
  if (!sa || sa.orgId !== ORG_ID) saFailure(deps, missing);
  return sa;
}

/** createServiceAccount — `POST /api/serviceaccounts` (grafana-auth §5.3). */
export function createServiceAccountHandler(deps: AppDeps) {
  return async function createServiceAccountRoute(c: Ctx): Promise<Response> {
    const who = requireOrgAdmin(c, deps, 'serviceaccounts:create');
    const cmd = bindAccountCommand(deps, c, await c.req.text());
    // grafana-auth §5.3: bind error, or a missing/empty name (`binding:"Required"`) → 400 "Bad request data".
    if (!cmd || !cmd.name) saFailure(deps, 'badRequest');
    // grafana-auth §5.3: role defaults to Viewer; a role above the caller's → 403.
    const role = cmd.role ?? 'Viewer';
    if (!includesRole(who.orgRole, role)) saFailure(deps, 'roleTooHigh');
    const existing = serviceAccountNamed(deps.store, cmd.name);
    if (existing) {
      // grafana-auth §5.3 (Percona): without `force` an existing account is updated (role, isDisabled) and returned.
      if (cmd.force || !facts(deps).perconaForce) saFailure(deps, 'alreadyExists');
      const patch = { role, ...(cmd.isDisabled === undefined ? {} : { isDisabled: cmd.isDisabled }) };
      const updated = deps.store.updateServiceAccount(existing.id, patch, deps.clock.nowMs())!;
      // Status of the update path UNVERIFIED (grafana-auth §5.3): the create handler's 201.
      return grafanaResponse(201, serviceAccountDto(deps.store, updated));
    }
    const sa = createServiceAccount(deps, { name: cmd.name, role, isDisabled: cmd.isDisabled ?? false });
    // grafana-auth §5.3: 201 with the ServiceAccountDTO.
    return grafanaResponse(201, serviceAccountDto(deps.store, sa));
  };
}

/** searchOrgServiceAccountsWithPaging — `GET /api/serviceaccounts/search` (grafana-auth §5.3). */
export function searchServiceAccounts(deps: AppDeps) {
  return function searchServiceAccounts(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:read');
    const int = (name: string): number => Number.parseInt(c.req.query(name) ?? '', 10) || 0;
    // grafana-auth §5.3: perpage ≤ 0 → 1000; page < 1 → 1.
    const perPage = int('perpage') > 0 ? int('perpage') : DEFAULT_PER_PAGE;
    const page = int('page') > 0 ? int('page') : 1;
    const query = (c.req.query('query') ?? '').toLowerCase();
    const now = deps.clock.nowUnix();
    const matches = deps.store
      .serviceAccountsOfOrg(ORG_ID)
      .filter((sa) => query === '' || sa.name.toLowerCase().includes(query) || sa.login.toLowerCase().includes(query))
      .filter((sa) => !parseBool(c.req.query('disabled')) || sa.isDisabled)
      .filter(
        (sa) =>
          !parseBool(c.req.query('expiredTokens')) ||
          deps.store.tokensOf(sa.id).some((k) => k.expires !== null && k.expires <= now),
      )
      // Ordered by name (Grafana's SQL order UNVERIFIED).
      .sort(byName);
    const items = matches.slice((page - 1) * perPage, page * perPage).map((sa) => serviceAccountDto(deps.store, sa));
    return grafanaResponse(200, { totalCount: matches.length, serviceAccounts: items, page, perPage });
  };
}

/** retrieveServiceAccount — `GET /api/serviceaccounts/:id` (grafana-auth §5.3). */
export function retrieveServiceAccount(deps: AppDeps) {
  return function retrieveServiceAccount(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:read');
    return grafanaResponse(200, serviceAccountProfile(deps.store, accountOfPath(deps, c)));
  };
}

/** updateServiceAccount — `PATCH /api/serviceaccounts/:id` (grafana-auth §5.3). */
export function updateServiceAccount(deps: AppDeps) {
  return async function updateServiceAccount(c: Ctx): Promise<Response> {
    const who = requireOrgAdmin(c, deps, 'serviceaccounts:write');
    const sa = accountOfPath(deps, c);
    const cmd = bindAccountCommand(deps, c, await c.req.text());
    if (!cmd) saFailure(deps, 'badRequest');
    if (cmd.role && !includesRole(who.orgRole, cmd.role)) saFailure(deps, 'roleTooHigh');
    const patch = {
      // A new name also gives a new login (UNVERIFIED).
      ...(cmd.name ? { name: cmd.name, login: serviceAccountLogin(cmd.name) } : {}),
      ...(cmd.role ? { role: cmd.role } : {}),
      ...(cmd.isDisabled === undefined ? {} : { isDisabled: cmd.isDisabled }),
    };
    const updated = deps.store.updateServiceAccount(sa.id, patch, deps.clock.nowMs())!;
    // grafana-auth §5.3: 200 {"id","name","serviceaccount":{…},"message":"Service account updated"}.
    return grafanaResponse(200, {
      id: updated.id,
      name: updated.name,
      serviceaccount: serviceAccountProfile(deps.store, updated),
      message: 'Service account updated',
    });
  };
}

/** deleteServiceAccount — `DELETE /api/serviceaccounts/:id`, its tokens too (grafana-auth §5.3). */
export function deleteServiceAccount(deps: AppDeps) {
  return function deleteServiceAccount(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'serviceaccounts:delete');
    const sa = accountOfPath(deps, c);
    // grafana-auth §5.3: the account goes, and its tokens with it.
    if (deps.profile.behaviour.serviceAccountDeleteRemoves) deps.store.deleteServiceAccount(ORG_ID, sa.id);
    return grafanaResponse(200, { message: 'Service account deleted' });
  };
}
