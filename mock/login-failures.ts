/** Failed logins per login, for Grafana's brute-force protection (grafana-auth §6.1), in bounded memory. */

/** Logins whose failed attempts are remembered (brute-force protection); the stalest beyond it are forgotten. */
export const MAX_TRACKED_LOGINS = 10_000;

export class FailedLogins {
  private byLogin = new Map<string, number[]>();

  /** Failed logins of `login` at or after `sinceMs`. */
  since(login: string, sinceMs: number): number {
    return (this.byLogin.get(login) ?? []).filter((t) => t >= sinceMs).length;
  }

  record(login: string, nowMs: number): void {
    const list = this.byLogin.get(login) ?? [];
    list.push(nowMs);
    if (list.length > 100) list.shift();
    // Most recently failed last (Map keeps insertion order), so that the cap drops the stalest login.
    this.byLogin.delete(login);
    this.byLogin.set(login, list);
    // Issue 12 (soak): one entry per login ever tried grew without bound under random logins;
    // keep the MAX_TRACKED_LOGINS most recently failed (a real Grafana prunes its login_attempt rows).
    if (this.byLogin.size > MAX_TRACKED_LOGINS) this.byLogin.delete(this.byLogin.keys().next().value!);
  }

  /** How many logins have failed attempts on record (bounded by MAX_TRACKED_LOGINS). */
  get size(): number {
    return this.byLogin.size;
  }

  clear(): void {
    this.byLogin.clear();
  }
}
