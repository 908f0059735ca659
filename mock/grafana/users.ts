/**
 * Grafana's users and org roles under /graph/api, as PMM's own api-tests use them (pmm-auth §5):
 * `POST /admin/users`, `DELETE /admin/users/:id`, `PUT /admin/users/:id/password` and `GET
 * /users/lookup` for the Grafana server admin (RBAC `users:*`), `GET /org/users` and `PATCH
 * /org/users/:userId` for an org Admin (`org.users:*`). Texts and checks are the profile's data
 * (mock/profiles/users.ts, with their sources).
 */
import { createHash } from 'node:crypto';
import type { AppDeps, Ctx } from '../context.ts';
import { grafanaFailure, grafanaResponse } from '../errors.ts';
import { jsonInt64 } from '../go/json.ts';
import { parseInt64 } from '../go/strconv.ts';
import { goTime } from '../go/time.ts';
import type { Identity } from '../identity/resolve.ts';
import type { GrafanaError, OrgRole, UserErrorKind } from '../profiles/types.ts';
import { randomAlphanumeric } from '../random.ts';
import { ORG_ID, type User } from '../rows.ts';
import { userProfile } from './answers.ts';
import { bindJsonFields, parseRole } from './bind.ts';
import { requireOrgAdmin, requirePermission } from './keys.ts';

/** Rejects with the profile's user error of this kind (`args` fill its `%s` in order). */
function userFailure(deps: AppDeps, kind: UserErrorKind, ...args: string[]): never {
  const err: GrafanaError = deps.profile.users.errors[kind];
  let i = 0;
  const message = err.message.replace(/%s/g, () => args[i++] ?? '');
  throw grafanaFailure({ ...err, message });
}

/** An RBAC action only the Grafana server admin holds (`users:*` are global; keys never have them, grafana-auth §1.1). */
function requireServerAdmin(c: Ctx, deps: AppDeps, action: string): Identity {
  return requirePermission(c, deps, action, (who) => who.isGrafanaAdmin);
}

/** The body's fields, folded as Go's decoder matches them; a bind error (grafana-auth §1.2) → 400 "bad request data". */
async function bindFields(c: Ctx, deps: AppDeps): Promise<Record<string, unknown>> {
  const fields = bindJsonFields(c.req.header('content-type'), await c.req.text());
  if (!fields) userFailure(deps, 'badRequest');
  return fields;
}

/** A Go string field: absent or null → "", another JSON type → a bind error. */
function stringField(deps: AppDeps, fields: Record<string, unknown>, name: string): string {
  const v = fields[name];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') userFailure(deps, 'badRequest');
  return v;
}

/** A path id as Go's strconv.ParseInt reads it; else the profile's "… is invalid". */
function pathId(c: Ctx, deps: AppDeps, param: string, kind: UserErrorKind): number {
  const id = parseInt64(c.req.param(param));
  if (id === undefined) userFailure(deps, kind);
  return id;
}

/** adminCreateUser — `POST /api/admin/users {name,email,login,password,orgId}` (pmm-auth §5: PMM's api-tests create their users so). */
export function adminCreateUser(deps: AppDeps) {
  return async function adminCreateUser(c: Ctx): Promise<Response> {
    requireServerAdmin(c, deps, 'users:create');
    const f = await bindFields(c, deps);
    const email = stringField(deps, f, 'email');
    const name = stringField(deps, f, 'name');
    const password = stringField(deps, f, 'password');
    const login = stringField(deps, f, 'login') || email;
    const orgId = f.orgid === undefined || f.orgid === null ? 0 : jsonInt64(f.orgid);
    if (orgId === undefined) userFailure(deps, 'badRequest');
    if (login === '') userFailure(deps, 'loginOrEmailMissing');
    if (password.length < deps.profile.users.minPasswordLength) userFailure(deps, 'passwordTooShort');
    // The one org is org 1 (pmm-auth §2.3); another id is not found.
    if (orgId !== 0 && orgId !== ORG_ID) userFailure(deps, 'orgNotFound');
    // Grafana stores the login as the email when none is given (LIKELY); users and service accounts share the table.
    const storedEmail = email || login;
    if (loginOrEmailTaken(deps, login, storedEmail))
      userFailure(deps, 'alreadyExists', email, stringField(deps, f, 'login'));
    // pmm-auth §5: a new user gets the org's default role, Viewer (`auto_assign_org_role`).
    const user = deps.store.addUser(
      { login, password, orgRole: deps.profile.behaviour.newUserRole, email: storedEmail, name },
      deps.clock.nowMs(),
    );
    const uid = deps.profile.users.createAnswerUid ? { uid: newUid(deps) } : {};
    return grafanaResponse(200, { id: user.id, ...uid, message: 'User created' });
  };
}

function loginOrEmailTaken(deps: AppDeps, login: string, email: string): boolean {
  const { store } = deps;
  if (store.usersInOrder().some((u) => u.login === login || u.email === email)) return true;
  return store.serviceAccountsOfOrg(ORG_ID).some((sa) => sa.login === login);
}

/** Grafana's short uid: 14 characters, a lower-case letter first (format LIKELY). */
function newUid(deps: AppDeps): string {
  const chars = randomAlphanumeric(deps.random, 14).toLowerCase();
  return /^[a-z]/.test(chars) ? chars : `u${chars.slice(1)}`;
}

/** adminDeleteUser — `DELETE /api/admin/users/:id`: 404 "user not found" for an unknown id; no check against deleting oneself. */
export function adminDeleteUser(deps: AppDeps) {
  return function adminDeleteUser(c: Ctx): Response {
    requireServerAdmin(c, deps, 'users:delete');
    const id = pathId(c, deps, 'id', 'idInvalid');
    if (!deps.store.deleteUser(id)) userFailure(deps, 'notFound');
    return grafanaResponse(200, { message: 'User deleted' });
  };
}

/** adminUpdateUserPassword — `PUT /api/admin/users/:id/password {password}`: bind, id, length, then the user read (unknown → 500). */
export function adminUpdateUserPassword(deps: AppDeps) {
  return async function adminUpdateUserPassword(c: Ctx): Promise<Response> {
    requireServerAdmin(c, deps, 'users.password:update');
    const password = stringField(deps, await bindFields(c, deps), 'password');
    const id = pathId(c, deps, 'id', 'idInvalid');
    if (password.length < deps.profile.users.minPasswordLength) userFailure(deps, 'newPasswordTooShort');
    if (!deps.store.updateUser(id, { password })) userFailure(deps, 'passwordUserUnreadable');
    return grafanaResponse(200, { message: 'User password updated' });
  };
}

/** getUserByLoginOrEmail — `GET /api/users/lookup?loginOrEmail=`: the user's profile, or 404 "user not found" (also for an empty value). */
export function getUserByLoginOrEmail(deps: AppDeps) {
  return function getUserByLoginOrEmail(c: Ctx): Response {
    requireServerAdmin(c, deps, 'users:read');
    const wanted = c.req.query('loginOrEmail') ?? '';
    const user = wanted === '' ? undefined : deps.store.userByLoginOrEmail(wanted);
    if (!user) userFailure(deps, 'notFound');
    return grafanaResponse(200, lookupProfile(deps, user));
  };
}

/** The lookup handler fills only some fields of UserProfileDTO: no auth labels (null), no avatar (""). */
function lookupProfile(deps: AppDeps, user: User): Record<string, unknown> {
  const p = userProfile(user);
  return {
    id: p.id,
    email: p.email,
    name: p.name,
    login: p.login,
    theme: p.theme,
    orgId: p.orgId,
    isGrafanaAdmin: p.isGrafanaAdmin,
    isDisabled: false,
    isExternal: false,
    ...(deps.profile.users.lookupExternallySynced ? { isExternallySynced: false } : {}),
    authLabels: null,
    updatedAt: p.updatedAt,
    createdAt: p.createdAt,
    avatarUrl: '',
  };
}

/** getOrgUsers — `GET /api/org/users` (`org.users:read`, org Admin): the org's users (not its service accounts), by email then login. */
export function getOrgUsers(deps: AppDeps) {
  return function getOrgUsers(c: Ctx): Response {
    requireOrgAdmin(c, deps, 'org.users:read');
    const users = [...deps.store.usersInOrder()].sort((a, b) => compare(a.email, b.email) || compare(a.login, b.login));
    return grafanaResponse(
      200,
      users.map((u) => orgUserDto(deps, u)),
    );
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** OrgUserDTO in Grafana's field order; a user never seen was "last seen" ten years before it was made. */
function orgUserDto(deps: AppDeps, u: User): Record<string, unknown> {
  const lastSeen = new Date(u.createdMs);
  lastSeen.setUTCFullYear(lastSeen.getUTCFullYear() - 10);
  return {
    orgId: ORG_ID,
    userId: u.id,
    email: u.email,
    name: u.name,
    avatarUrl: `/graph/avatar/${createHash('md5').update(u.email.trim().toLowerCase()).digest('hex')}`,
    login: u.login,
    role: u.orgRole,
    lastSeenAt: goTime(lastSeen.getTime()),
    lastSeenAtAge: '10 years',
    isDisabled: false,
    ...(deps.profile.users.orgUserExtraFields ? { authLabels: [], isExternallySynced: false } : {}),
  };
}

/** updateOrgUser — `PATCH /api/org/users/:userId {role}`: bind (role Required, grafana-auth §1.2), id, last-admin rule. */
export function updateOrgUser(deps: AppDeps) {
  return async function updateOrgUser(c: Ctx): Promise<Response> {
    requireOrgAdmin(c, deps, 'org.users:write');
    const f = await bindFields(c, deps);
    // grafana-auth §1.2: the role unmarshaller of the profile; missing (Required) or invalid → bad request data.
    const role: OrgRole | undefined =
      f.role === undefined
        ? undefined
        : parseRole(f.role, deps.profile.keyRoles, deps.profile.roleParsing === 'titleCase');
    if (!role) userFailure(deps, 'badRequest');
    const id = pathId(c, deps, 'userId', 'userIdInvalid');
    const user = deps.store.userById(id);
    if (!user) userFailure(deps, 'orgUserUpdateFailed');
    const admins = deps.store.usersInOrder().filter((u) => u.orgRole === 'Admin');
    if (user.orgRole === 'Admin' && role !== 'Admin' && admins.length === 1) userFailure(deps, 'lastAdmin');
    deps.store.updateUser(id, { orgRole: role });
    return grafanaResponse(200, { message: 'Organization user updated' });
  };
}
