/**
 * In-memory users and API keys. Secrets are kept only as SHA-256 digests (a fast hash: the
 * lookup must not cost PBKDF2 per request) and compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { OrgRole } from './profiles/types.ts';

export interface User {
  readonly id: number;
  readonly login: string;
  readonly email: string;
  readonly name: string;
  readonly orgRole: OrgRole;
  readonly isGrafanaAdmin: boolean;
  readonly createdMs: number;
  readonly passwordDigest: Buffer;
}

export interface ApiKey {
  readonly id: number;
  readonly orgId: number;
  readonly name: string;
  readonly role: OrgRole;
  /** Unix seconds, or null for "never" (grafana-auth §4). */
  readonly expires: number | null;
  readonly createdMs: number;
  readonly secretDigest: Buffer;
}

export interface NewUser {
  login: string;
  password: string;
  orgRole: OrgRole;
  isGrafanaAdmin?: boolean;
}

/** The one org the mock has (PMM uses org 1, pmm-auth §2.3). */
export const ORG_ID = 1;

function digest(...parts: string[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest();
}

/** Constant-time equality of two digests of the same hash. */
function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The digest the store keeps for a legacy key: the secret `k`, salted with the key name (as Grafana salts PBKDF2, grafana-auth §2.1). */
export function keyDigest(name: string, secret: string): Buffer {
  return digest('key', name, secret);
}

interface State {
  users: Map<string, User>;
  keys: Map<number, ApiKey>;
  nextUserId: number;
  nextKeyId: number;
}

export class Store {
  private state: State = { users: new Map(), keys: new Map(), nextUserId: 1, nextKeyId: 1 };
  private keysByName = new Map<string, ApiKey>();
  private failedLogins = new Map<string, number[]>();
  private saved: State | undefined;

  addUser(u: NewUser, nowMs: number): User {
    if (this.state.users.has(u.login)) throw new Error(`user ${u.login} already exists`);
    const user: User = {
      id: this.state.nextUserId++,
      login: u.login,
      email: u.login === 'admin' ? 'admin@localhost' : `${u.login}@localhost`,
      name: u.login === 'admin' ? '' : u.login,
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

  passwordMatches(user: User, password: string): boolean {
    return sameDigest(user.passwordDigest, digest('password', user.login, password));
  }

  /** Failed logins of `login` at or after `sinceMs` (for brute-force protection). */
  failedLoginsSince(login: string, sinceMs: number): number {
    return (this.failedLogins.get(login) ?? []).filter((t) => t >= sinceMs).length;
  }

  recordFailedLogin(login: string, nowMs: number): void {
    const list = this.failedLogins.get(login) ?? [];
    list.push(nowMs);
    if (list.length > 100) list.shift();
    this.failedLogins.set(login, list);
  }

  keyByName(orgId: number, name: string): ApiKey | undefined {
    return this.keysByName.get(`${orgId}\0${name}`);
  }

  keyById(id: number): ApiKey | undefined {
    return this.state.keys.get(id);
  }

  secretMatches(key: ApiKey, secret: string): boolean {
    return sameDigest(key.secretDigest, keyDigest(key.name, secret));
  }

  /** Adds a key; the caller has checked the unique (org, name) index. */
  addKey(k: Omit<ApiKey, 'id' | 'secretDigest'>, secret: string): ApiKey {
    const key: ApiKey = { ...k, id: this.state.nextKeyId++, secretDigest: keyDigest(k.name, secret) };
    this.state.keys.set(key.id, key);
    this.keysByName.set(`${key.orgId}\0${key.name}`, key);
    return key;
  }

  keysOfOrg(orgId: number): ApiKey[] {
    return [...this.state.keys.values()].filter((k) => k.orgId === orgId);
  }

  deleteKey(orgId: number, id: number): boolean {
    const key = this.state.keys.get(id);
    if (!key || key.orgId !== orgId) return false;
    this.state.keys.delete(id);
    this.keysByName.delete(`${key.orgId}\0${key.name}`);
    return true;
  }

  /** Remembers the current users and keys as the state `reset()` returns to. */
  saveInitialState(): void {
    this.saved = cloneState(this.state);
  }

  /** Back to the saved state (or empty), forgetting failed logins. */
  reset(): void {
    this.state = this.saved ? cloneState(this.saved) : { users: new Map(), keys: new Map(), nextUserId: 1, nextKeyId: 1 };
    this.keysByName = new Map([...this.state.keys.values()].map((k) => [`${k.orgId}\0${k.name}`, k]));
    this.failedLogins.clear();
  }
}

function cloneState(s: State): State {
  return { users: new Map(s.users), keys: new Map(s.keys), nextUserId: s.nextUserId, nextKeyId: s.nextKeyId };
}
