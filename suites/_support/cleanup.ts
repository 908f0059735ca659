/**
 * The end of a run on its target: delete every key, service account and user of this run still present
 * — those in the ledger, then any listed with the run prefix (and, on PMM 3, the accounts PMM made
 * from this run's keys: `sa-autogen-pmmconf-<runId>-…`, grafana-auth §5.2) — and never anything
 * else; print the counts. Deleting a service account deletes its tokens (grafana-auth §5.3).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { itemsOf, requester, saw, sweep, type Tally } from './cleanup-sweep.ts';
import { closeAgents } from './http.ts';
import { keyPrefix, type LedgerEvent } from './keys.ts';
import { isRunAccount, SA_API } from './service-accounts.ts';
import { isRunUser, USERS_API } from './users.ts';
import type { Target } from './target.ts';

export interface CleanUpResult {
  readonly keys: Tally;
  readonly accounts: Tally;
  /** Grafana users (by login) of this run. */
  readonly users: Tally;
  /** Tokens created in this run (deleted with their accounts or one by one). */
  readonly tokens: number;
}

function readLedger(t: Target): LedgerEvent[] {
  if (!existsSync(t.ledgerFile)) return [];
  return readFileSync(t.ledgerFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerEvent);
}

export async function cleanUp(t: Target): Promise<CleanUpResult> {
  const events = readLedger(t);
  const request = requester(t);
  const removed = async (path: string, name: string): Promise<true | string> => {
    const res = await request('DELETE', path);
    if ('unreachable' in res) return res.unreachable;
    return res.status === 200 || res.status === 404 ? true : `delete ${name} (${saw('DELETE', path, res)})`;
  };
  const keysPath = '/graph/api/auth/keys?includeExpired=true';
  const keys = await sweep(
    events.filter((e) => (e.kind ?? 'key') === 'key'),
    (id, name) => removed(`/graph/api/auth/keys/${id}`, name),
    async () => (t.readOnly ? [] : itemsOf('keys', keysPath, await request('GET', keysPath), (b) => b)),
    (name) => name.startsWith(keyPrefix(t)),
  );
  const saEvents = events.filter((e) => e.kind === 'sa');
  const searchPath = `${SA_API}/search?query=${encodeURIComponent(keyPrefix(t))}&perpage=1000&page=1`;
  const accounts = await sweep(
    saEvents,
    (id, name) => removed(`${SA_API}/${id}`, name),
    async () =>
      // PMM 3 only: a run on PMM 2.41 creates no accounts, and its keys are never migrated.
      t.readOnly || t.profile !== 'pmm3'
        ? []
        : itemsOf(
            'service accounts',
            searchPath,
            await request('GET', searchPath),
            (b) => (b as { serviceAccounts?: unknown } | null)?.serviceAccounts,
          ),
    (name) => isRunAccount(t, name),
  );
  const usersPath = '/graph/api/org/users';
  const users = await sweep(
    events.filter((e) => e.kind === 'user'),
    (id, login) => removed(`${USERS_API}/${id}`, login),
    async () =>
      t.readOnly
        ? []
        : itemsOf('users', usersPath, await request('GET', usersPath), (b) =>
            // GET /api/org/users (Grafana OrgUserDTO): items carry userId and login, not id and name.
            Array.isArray(b)
              ? b.map((u: { userId?: unknown; login?: unknown }) => ({ id: u.userId, name: u.login }))
              : b,
          ),
    (login) => isRunUser(t, login),
  );
  return {
    keys,
    accounts,
    users,
    tokens: new Set(events.filter((e) => e.kind === 'token' && e.event === 'created').map((e) => e.id)).size,
  };
}

/** Cleans up, prints "created N keys, deleted N" (and the service accounts), removes the ledger. */
export async function finishRun(t: Target): Promise<void> {
  try {
    const { keys, accounts, users, tokens } = await cleanUp(t);
    const left = [...keys.left, ...accounts.left, ...users.left];
    const sa =
      (accounts.created > 0
        ? `; created ${accounts.created} service accounts (${tokens} tokens), deleted ${accounts.deleted}`
        : '') + (users.created > 0 ? `; created ${users.created} users, deleted ${users.deleted}` : '');
    process.stdout.write(
      `pmm-auth-conformance: run ${t.runId} (${t.project}): created ${keys.created} keys, deleted ${keys.deleted}${sa}${left.length ? `; NOT deleted: ${left.join(', ')}` : ''}\n`,
    );
    const problems = [...new Set([...keys.problems, ...accounts.problems, ...users.problems])];
    if (problems.length > 0)
      process.stderr.write(
        `pmm-auth-conformance: clean-up of run ${t.runId} (${t.project}) could not ${problems.join('; ')}; keys, service accounts and users named ${keyPrefix(t)}* may remain\n`,
      );
  } catch (e) {
    process.stderr.write(
      `pmm-auth-conformance: clean-up failed: ${(e as Error).message}; keys, service accounts and users named ${keyPrefix(t)}* may remain\n`,
    );
  } finally {
    closeAgents();
    rmSync(t.ledgerFile, { force: true });
  }
}
