/** pmm-auth §2.1: longest-prefix lookup of the minimum role, cutting at '/' and '.'. */
import type { AuthRule, PmmRole } from '../profiles/types.ts';

/**
 * nextPrefix as in PMM 2.41: `/inventory.Nodes/ListNodes` → `/inventory.Nodes/` →
 * `/inventory.Nodes` → `/inventory.` → `/inventory` → `/`.
 */
export function nextPrefix(path: string, cuts = '/.'): string {
  if (path === '' || path === '/' || !path.startsWith('/')) return '/';
  let end = path.length;
  while (end > 0 && cuts.includes(path[end - 1]!)) end--;
  if (end !== path.length) return path.slice(0, end);
  const i = Math.max(...[...cuts].map((c) => path.lastIndexOf(c)));
  return path.slice(0, i + 1);
}

export interface RuleMatch {
  /** The matching prefix, or null when the Grafana-admin fallback applies. */
  readonly prefix: string | null;
  readonly role: PmmRole;
}

export class RuleTable {
  private readonly rules: ReadonlyMap<string, PmmRole>;

  constructor(
    rules: readonly AuthRule[],
    private readonly cuts = '/.',
  ) {
    this.rules = new Map(rules);
    if (this.rules.size !== rules.length) throw new Error('rule table has duplicate prefixes');
  }

  /** pmm-auth §2.1: no matching prefix (including `/`) → grafanaAdmin. */
  match(cleanedPath: string): RuleMatch {
    let prefix = cleanedPath;
    while (prefix !== '/' && !this.rules.has(prefix)) prefix = nextPrefix(prefix, this.cuts);
    const role = this.rules.get(prefix);
    return role === undefined ? { prefix: null, role: 'grafanaAdmin' } : { prefix, role };
  }
}

/** pmm-auth §2.1: none < viewer < editor < admin < grafanaAdmin. */
const RANK: Readonly<Record<PmmRole, number>> = { none: 0, viewer: 1, editor: 2, admin: 3, grafanaAdmin: 4 };

export function roleAtLeast(have: PmmRole, need: PmmRole): boolean {
  return RANK[have] >= RANK[need];
}
