/**
 * A conformance case: a stable id (`srv.<area>.<nnn>`), a level, what it sends and expects, the
 * reference section and the public source it checks. `kase()` registers it as a vitest test titled
 * `<id> <sends> → <expects>`, skips it with a visible reason where the target cannot run it, and
 * reports SHOULD/OBSERVED deviations of a real target as annotations unless strict.
 */
import { describe, inject, test, type TestContext } from 'vitest';
import { redactingFailures } from './redact.ts';
import { grafanaRemovedKeyCreation, PROFILES, type ProfileName } from './profile.ts';
import type { Target } from './target.ts';

export type Level = 'MUST' | 'SHOULD' | 'OBSERVED';

/** What a case needs from its target. */
export type Need =
  /** creates keys (not in PMM_SUITE_READ_ONLY mode) */
  | 'write'
  /** the mock's /__mock control API (clock, journal) */
  | 'mock-control'
  /** creates legacy API keys with POST /graph/api/auth/keys (gone in Grafana ≥ 11.3, grafana-auth §5.1) */
  | 'legacy-keys'
  /** a Grafana ≥ 11.3 target (grafana-auth §5.1) */
  | 'grafana-11.3'
  /** Grafana users with known passwords (only an embedded mock has them; the suite creates no users) */
  | 'users';

export interface CaseInfo {
  readonly id: string;
  readonly level: Level;
  readonly sends: string;
  readonly expects: string;
  /** Section of ../shared/reference, e.g. "grafana-auth §1.3". */
  readonly ref: string;
  /** The public source behind it, e.g. "grafana/grafana pkg/api/apikey.go (9.x)". */
  readonly source: string;
  readonly needs?: readonly Need[];
  /** The profiles the case applies to; default PMM 2.41 only. */
  readonly profiles?: readonly ProfileName[];
  /** Why the case does not apply to the other profile (required unless it applies to both). */
  readonly notOn?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    pmmCase?: { id: string; level: Level; ref: string; source: string; informational?: string };
  }
}

const ID = /^srv\.[a-z0-9-]+\.\d{3}$/;
const seen = new Set<string>();

/** Why `info` cannot run on `t`, or undefined when it can. */
export function skipReason(info: CaseInfo, t: Target): string | undefined {
  const profiles = info.profiles ?? ['pmm2'];
  if (!profiles.includes(t.profile))
    return `${t.profile === 'pmm3' ? 'PMM 3' : 'PMM 2'} target (${t.version ?? 'unknown version'}): does not apply — ${info.notOn ?? 'no reason given'}`;
  const needs = info.needs ?? [];
  if (needs.includes('write') && t.readOnly) return 'PMM_SUITE_READ_ONLY=1: this case creates keys or service accounts';
  if (needs.includes('mock-control') && t.kind !== 'mock')
    return "needs the mock's /__mock control API (clock or journal); a real PMM has none";
  if (needs.includes('legacy-keys') && grafanaRemovedKeyCreation(t))
    return `the target's Grafana ${t.grafanaVersion} (≥ 11.3) no longer creates API keys (POST /api/auth/keys → 410, grafana-auth §5.1; srv.legacy.001 checks that)`;
  if (needs.includes('grafana-11.3') && !grafanaRemovedKeyCreation(t))
    return `the target's Grafana is ${t.grafanaVersion ?? 'of unknown version'}: POST /api/auth/keys is removed only from 11.3 on (grafana-auth §5.1)`;
  if (needs.includes('users') && t.users.length === 0)
    return 'needs Grafana users with known passwords: only an embedded mock has them (--user); the suite creates no users on a real PMM';
  return undefined;
}

/** Whether setup that `needs` something on `profiles` may run on `t` (e.g. creating keys in a beforeAll). */
export function targetAllows(t: Target, needs: readonly Need[], profiles: readonly ProfileName[] = PROFILES): boolean {
  return (
    skipReason(
      { id: 'srv.setup.000', level: 'MUST', sends: '', expects: '', ref: '', source: '', needs, profiles },
      t,
    ) === undefined
  );
}

export function kase(info: CaseInfo, body: (t: Target, ctx: TestContext) => Promise<void>): void {
  if (!ID.test(info.id)) throw new Error(`case id "${info.id}" must look like srv.<area>.<nnn>`);
  if (seen.has(info.id)) throw new Error(`duplicate case id ${info.id}`);
  if ((info.profiles ?? ['pmm2']).length < 2 && !info.notOn)
    throw new Error(`case ${info.id} applies to one profile: say why not to the other (notOn)`);
  seen.add(info.id);
  test(`${info.id} ${info.sends} → ${info.expects}`, async (ctx) => {
    const t = inject('target');
    ctx.task.meta.pmmCase = { id: info.id, level: info.level, ref: info.ref, source: info.source };
    const reason = skipReason(info, t);
    if (reason) ctx.skip(reason);
    // Issue 12: a failure message never shows a key of this run whole (redact.ts).
    if (info.level === 'MUST' || t.kind === 'mock' || t.strict) return redactingFailures(() => body(t, ctx));
    try {
      await redactingFailures(() => body(t, ctx));
    } catch (e) {
      // A SHOULD/OBSERVED deviation of a real target is reported, not failed (PMM_SUITE_STRICT=1 fails it).
      const message = `${info.level} deviation (informational): ${(e as Error).message.split('\n')[0]}`;
      ctx.task.meta.pmmCase.informational = message;
      await ctx.annotate(message, 'warning');
    }
  });
}

/**
 * A file's describe block, labelled with its project: several server projects run the same files
 * against different targets, and the label keeps JUnit's test names apart.
 */
export function area(title: string, fn: () => void): void {
  describe(`${title} [${inject('target').project}]`, fn);
}
