/**
 * The faults that keep state across requests: PMM's auth cache (pmm-auth §2.4), a key revoked
 * after N uses (auth-bugs §B15) and PMM 3's pending key migration (auth-bugs §B15).
 */
import type { AppDeps, Ctx } from '../context.ts';
import { credentialsOf } from '../context.ts';
import { authLayerError, GRPC } from '../errors.ts';
import { migrateKey } from '../grafana/sa-migration.ts';
import { decodeLegacyKey, PREFIXED_KEY_START } from '../identity/key-codec.ts';
import { isGrafanaPath } from '../pmm/request.ts';
import type { PmmRole } from '../profiles/types.ts';
import { ORG_ID, type ApiKey } from '../rows.ts';

/**
 * pmm-auth §2.4: pmm-managed caches successful role look-ups by the caller's Authorization and
 * Cookie headers; a ticker every TTL deletes entries older than TTL, so an entry lives between TTL
 * and twice it (3–6 s). Measured on the mock's clock, so a test moves it instead of waiting.
 */
export class AuthCache {
  private readonly entries = new Map<string, { role: PmmRole; createdMs: number }>();

  constructor(private readonly ttlMs: number) {}

  /** The first tick (a multiple of the TTL) at which an entry made at `createdMs` is older than the TTL. */
  private expiresMs(createdMs: number): number {
    return (Math.floor((createdMs + this.ttlMs) / this.ttlMs) + 1) * this.ttlMs;
  }

  lookup(key: string, nowMs: number): PmmRole | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (nowMs >= this.expiresMs(e.createdMs)) {
      this.entries.delete(key);
      return undefined;
    }
    return e.role;
  }

  remember(key: string, role: PmmRole, nowMs: number): void {
    if (!this.entries.has(key)) this.entries.set(key, { role, createdMs: nowMs });
  }

  static requestKey(lines: readonly string[], cookie: string | undefined): string {
    return JSON.stringify([lines, cookie ?? '']);
  }
}

/** The stored row a request's key or token names, if any (grafana-auth §2.1, grafana-auth §2.2). */
export function rowOfRequest(c: Ctx, deps: AppDeps): ApiKey | undefined {
  const { grafana: cred, pmm } = credentialsOf(c, deps);
  // pmm-auth §2.3: PMM 3 also takes a token as Basic `service_token:<token>` (vmagent's way, auth-bugs §B15).
  if (cred.kind !== 'apiKey' && pmm.token.startsWith(PREFIXED_KEY_START)) return deps.store.keyByToken(pmm.token);
  if (cred.kind !== 'apiKey') return undefined;
  if (cred.key.startsWith(PREFIXED_KEY_START)) return deps.store.keyByToken(cred.key);
  const decoded = decodeLegacyKey(cred.key);
  if (!decoded) return undefined;
  const row = deps.store.keyByName(decoded.orgId, decoded.name);
  return row && deps.store.secretMatches(row, decoded.secret) ? row : undefined;
}

/** `revoke-after`: a key or token answers normally `uses` times, then it is deleted (401 as any deleted key). */
export class Revoker {
  private readonly uses = new Map<number, number>();

  constructor(
    private readonly limit: number,
    private readonly keyName: string | undefined,
  ) {}

  /** Before the request: deletes the row when it has been used up; true when it did. */
  before(row: ApiKey | undefined, deps: AppDeps): boolean {
    if (!row || (this.keyName !== undefined && row.name !== this.keyName)) return false;
    if ((this.uses.get(row.id) ?? 0) < this.limit) return false;
    return deps.store.deleteKey(row.orgId, row.id, row.serviceAccountId);
  }

  /** After an answer that was not refused: one more use. */
  after(row: ApiKey | undefined, status: number): void {
    if (!row || status === 401 || status === 403) return;
    if (this.keyName !== undefined && row.name !== this.keyName) return;
    this.uses.set(row.id, (this.uses.get(row.id) ?? 0) + 1);
  }
}

/**
 * `migration-pending` (PMM 3): legacy keys are converted to service accounts only after an admin
 * logs in to Grafana (auth-bugs §B15, percona/pmm#3420); until then PMM paths refuse them.
 */
export class PendingMigration {
  private pending = true;

  /** A refusal for a legacy key on a PMM path while the migration is pending (undefined: let it through). */
  refuse(c: Ctx, deps: AppDeps): Response | undefined {
    if (!this.pending || isGrafanaPath(c.req.path)) return undefined;
    const cred = credentialsOf(c, deps).grafana;
    if (cred.kind !== 'apiKey' || cred.key.startsWith(PREFIXED_KEY_START)) return undefined;
    // pmm-auth §1.4: an unauthenticated caller gets 401 code 16 with Grafana's message (the invalid-key one: UNVERIFIED).
    return authLayerError(
      deps.profile,
      GRPC.Unauthenticated,
      deps.profile.authFailures.invalidApiKey.message,
    ).getResponse();
  }

  /** After an answer: a successful Basic login of `admin` migrates every plain key (grafana-auth §5.2). */
  after(c: Ctx, deps: AppDeps, status: number): boolean {
    if (!this.pending || status >= 400) return false;
    const cred = credentialsOf(c, deps).grafana;
    if (cred.kind !== 'basic' || cred.login !== 'admin') return false;
    for (const key of deps.store.keysOfOrg(ORG_ID)) if (key.serviceAccountId === null) migrateKey(deps, key);
    this.pending = false;
    return true;
  }
}
