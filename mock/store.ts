/**
 * In-memory users, service accounts and API keys (their rows: mock/rows.ts). Secrets are kept
 * only as digests (mock/digests.ts).
 */
import { digest, keyDigest, sameDigest, tokenDigest, tokenDigestHex } from './digests.ts';
import { prefixedKeyChecksum } from './identity/key-codec.ts';
import { SessionStore } from './identity/session.ts';
import { FailedLogins } from './login-failures.ts';
import type { ApiKey, NewKey, NewUser, ServiceAccount, User } from './rows.ts';
import type { OrgRole } from './profiles/types.ts';

interface State {
  users: Map<string, User>;
  serviceAccounts: Map<number, ServiceAccount>;
  keys: Map<number, ApiKey>;
  nextUserId: number;
  nextKeyId: number;
}

const emptyState = (): State => ({
  users: new Map(),
  serviceAccounts: new Map(),
  keys: new Map(),
  nextUserId: 1,
  nextKeyId: 1,
});
const nameIndex = (k: Pick<ApiKey, 'orgId' | 'name'>): string => `${k.orgId}\0${k.name}`;

export class Store {
  private state: State = emptyState();
  // The indexes name row ids: a row replaced by id (its last use, on every request) leaves them as they are.
  private keysByName = new Map<string, number>();
  private tokensByDigest = new Map<string, number>();
  private failedLogins = new FailedLogins();
  private saved: State | undefined;
  /** Issue 17: login sessions (mock/identity/session.ts); a reset or a scenario switch ends them all. */
  readonly sessions = new SessionStore();

  addUser(u: NewUser, nowMs: number): User {
    if (this.state.users.has(u.login)) throw new Error(`user ${u.login} already exists`);
    const user: User = {
      id: this.state.nextUserId++,
      login: u.login,
      email: u.email ?? (u.login === 'admin' ? 'admin@localhost' : `${u.login}@localhost`),
      name: u.name ?? (u.login === 'admin' ? '' : u.login),
      orgRole: u.orgRole,
      isGrafanaAdmin: u.isGrafanaAdmin ?? false,
      createdMs: nowMs,
      passwordDigest: digest('password', u.login, u.password),
    };
    this.state.users.set(u.login, user);
    return user;
  }

  findUser(login: string): User | undefined {
    return this.state.users.get(login);
  }

  userById(id: number): User | undefined {
    for (const u of this.state.users.values()) if (u.id === id) return u;
    return undefined;
  }

  /** The user whose login, else whose email, is `loginOrEmail` (Grafana's GetByLogin). */
  userByLoginOrEmail(loginOrEmail: string): User | undefined {
    return this.findUser(loginOrEmail) ?? this.usersInOrder().find((u) => u.email === loginOrEmail);
  }

  /** The users (not service accounts), by id. */
  usersInOrder(): User[] {
    return [...this.state.users.values()].sort((a, b) => a.id - b.id);
  }

  /** Changes a user's org role or password; undefined for an unknown id. */
  updateUser(id: number, patch: { readonly orgRole?: OrgRole; readonly password?: string }): User | undefined {
    const user = this.userById(id);
    if (!user) return undefined;
    const updated: User = {
      ...user,
      ...(patch.orgRole ? { orgRole: patch.orgRole } : {}),
      ...(patch.password === undefined ? {} : { passwordDigest: digest('password', user.login, patch.password) }),
    };
    this.state.users.set(user.login, updated);
    return updated;
  }

  /** Deletes a user by id; false for an unknown id. Failed logins stay on record (Grafana's login_attempt rows are by login). */
  deleteUser(id: number): boolean {
    const user = this.userById(id);
    if (!user) return false;
    this.state.users.delete(user.login);
    return true;
  }

  passwordMatches(user: User, password: string): boolean {
    return sameDigest(user.passwordDigest, digest('password', user.login, password));
  }

  /** Failed logins of `login` at or after `sinceMs` (for brute-force protection). */
  failedLoginsSince(login: string, sinceMs: number): number {
    return this.failedLogins.since(login, sinceMs);
  }

  recordFailedLogin(login: string, nowMs: number): void {
    this.failedLogins.record(login, nowMs);
  }

  /** How many logins have failed attempts on record (bounded by MAX_TRACKED_LOGINS). */
  trackedLogins(): number {
    return this.failedLogins.size;
  }

  /** The row with this (org, name): a legacy key or a token (one unique index, grafana-auth §1.3). */
  keyByName(orgId: number, name: string): ApiKey | undefined {
    return this.keyAt(this.keysByName.get(nameIndex({ orgId, name })));
  }

  /** The `glsa_` token row whose digest matches (grafana-auth §2.2: lookup by hash). */
  keyByToken(token: string): ApiKey | undefined {
    return this.keyAt(this.tokensByDigest.get(tokenDigestHex(token)));
  }

  private keyAt(id: number | undefined): ApiKey | undefined {
    return id === undefined ? undefined : this.state.keys.get(id);
  }

  keyById(id: number): ApiKey | undefined {
    return this.state.keys.get(id);
  }

  secretMatches(key: ApiKey, secret: string): boolean {
    return key.format === 'legacy' && sameDigest(key.secretDigest, keyDigest(key.name, secret));
  }

  /**
   * Whether `secret` is the secret part of a key the store holds: a legacy key's `k`, or the random
   * part of a `glsa_` token (with its checksum, grafana-auth §2.2). For the journal's redaction.
   */
  knowsSecret(secret: string): boolean {
    if (this.keyByToken(`glsa_${secret}_${prefixedKeyChecksum('sa', secret)}`)) return true;
    for (const key of this.state.keys.values()) if (this.secretMatches(key, secret)) return true;
    return false;
  }

  /** Adds a legacy key (secret = its `k`); the caller has checked the unique (org, name) index. */
  addKey(k: NewKey, secret: string): ApiKey {
    return this.putKey({
      ...k,
      id: this.state.nextKeyId++,
      secretDigest: keyDigest(k.name, secret),
      serviceAccountId: k.serviceAccountId ?? null,
      format: 'legacy',
      lastUsedMs: null,
    });
  }

  /** Adds a `glsa_` token of a service account; the caller has checked the unique (org, name) index. */
  addToken(k: NewKey & { readonly serviceAccountId: number }, token: string): ApiKey {
    return this.putKey({
      ...k,
      id: this.state.nextKeyId++,
      secretDigest: tokenDigest(token),
      format: 'prefixed',
      lastUsedMs: null,
    });
  }

  private putKey(key: ApiKey): ApiKey {
    this.state.keys.set(key.id, key);
    this.keysByName.set(nameIndex(key), key.id);
    if (key.format === 'prefixed') this.tokensByDigest.set(key.secretDigest.toString('hex'), key.id);
    return key;
  }

  /** Replaces a row by id (last use, migration into a service account). */
  updateKey(id: number, patch: Partial<Pick<ApiKey, 'lastUsedMs' | 'serviceAccountId'>>): ApiKey | undefined {
    const key = this.state.keys.get(id);
    if (!key) return undefined;
    // Name and digest stay: the indexes (by id) need no change.
    const updated: ApiKey = { ...key, ...patch };
    this.state.keys.set(id, updated);
    return updated;
  }

  keysOfOrg(orgId: number): ApiKey[] {
    return [...this.state.keys.values()].filter((k) => k.orgId === orgId);
  }

  /** The tokens (and migrated keys) of a service account, by id. */
  tokensOf(serviceAccountId: number): ApiKey[] {
    return [...this.state.keys.values()].filter((k) => k.serviceAccountId === serviceAccountId);
  }

  /** Deletes a row of the org; `serviceAccountId` null = plain keys only (grafana-auth §1.6), a number = that account's tokens. */
  deleteKey(orgId: number, id: number, serviceAccountId: number | null = null): boolean {
    const key = this.state.keys.get(id);
    if (!key || key.orgId !== orgId || key.serviceAccountId !== serviceAccountId) return false;
    this.state.keys.delete(id);
    this.keysByName.delete(nameIndex(key));
    this.tokensByDigest.delete(key.secretDigest.toString('hex'));
    return true;
  }

  /** Adds a service account; it takes the next user id (service accounts are user rows, grafana-auth §3.3). */
  addServiceAccount(sa: Omit<ServiceAccount, 'id' | 'createdMs' | 'updatedMs'>, nowMs: number): ServiceAccount {
    const account: ServiceAccount = { ...sa, id: this.state.nextUserId++, createdMs: nowMs, updatedMs: nowMs };
    this.state.serviceAccounts.set(account.id, account);
    return account;
  }

  serviceAccountById(id: number): ServiceAccount | undefined {
    return this.state.serviceAccounts.get(id);
  }

  serviceAccountsOfOrg(orgId: number): ServiceAccount[] {
    return [...this.state.serviceAccounts.values()].filter((s) => s.orgId === orgId);
  }

  updateServiceAccount(
    id: number,
    patch: Partial<Pick<ServiceAccount, 'name' | 'login' | 'role' | 'isDisabled'>>,
    nowMs: number,
  ): ServiceAccount | undefined {
    const sa = this.state.serviceAccounts.get(id);
    if (!sa) return undefined;
    const updated: ServiceAccount = { ...sa, ...patch, updatedMs: nowMs };
    this.state.serviceAccounts.set(id, updated);
    return updated;
  }

  /** Deletes a service account of the org and its tokens (grafana-auth §5.3). */
  deleteServiceAccount(orgId: number, id: number): boolean {
    const sa = this.state.serviceAccounts.get(id);
    if (!sa || sa.orgId !== orgId) return false;
    for (const k of this.tokensOf(id)) this.deleteKey(orgId, k.id, id);
    this.state.serviceAccounts.delete(id);
    return true;
  }

  /** Takes over another store's state, saved state and failed logins (a scenario switch, mock/scenarios/runtime.ts). */
  replaceWith(other: Store): void {
    this.state = other.state;
    this.keysByName = other.keysByName;
    this.tokensByDigest = other.tokensByDigest;
    this.failedLogins = other.failedLogins;
    this.saved = other.saved;
    this.sessions.clear();
  }

  /** Remembers the current users and keys as the state `reset()` returns to. */
  saveInitialState(): void {
    this.saved = cloneState(this.state);
  }

  /** Back to the saved state (or empty), forgetting failed logins. */
  reset(): void {
    this.state = this.saved ? cloneState(this.saved) : emptyState();
    const keys = [...this.state.keys.values()];
    this.keysByName = new Map(keys.map((k) => [nameIndex(k), k.id]));
    this.tokensByDigest = new Map(
      keys.filter((k) => k.format === 'prefixed').map((k) => [k.secretDigest.toString('hex'), k.id]),
    );
    this.failedLogins.clear();
    this.sessions.clear();
  }
}

function cloneState(s: State): State {
  return {
    users: new Map(s.users),
    serviceAccounts: new Map(s.serviceAccounts),
    keys: new Map(s.keys),
    nextUserId: s.nextUserId,
    nextKeyId: s.nextKeyId,
  };
}
