/**
 * Which requests a fault applies to (README "Faults"): method, path glob and whether the request
 * carries an Authorization pick the matching requests; `nth`, `after`, `every` and `probability`
 * pick among them by their count. Counting is per fault; the random source is seeded, so a run is
 * repeatable.
 */
import { seededRandom, type RandomBytes } from '../random.ts';
import type { FaultSelectors } from './types.ts';

/** `*` within a path segment, `**` across segments; everything else literal. */
export function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^/]*';
    else re += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** What a selector looks at in a request. */
export interface RequestFacts {
  readonly method: string;
  readonly path: string;
  readonly hasAuthorization: boolean;
}

/** One fault's selectors and its count of matching requests. */
export class Selector {
  private matched = 0;
  private readonly path: RegExp | null;
  private readonly random: RandomBytes;

  constructor(
    private readonly s: FaultSelectors,
    defaultSeed: string,
  ) {
    this.path = s.path === undefined ? null : globRegExp(s.path);
    this.random = seededRandom(s.seed ?? defaultSeed);
  }

  /** A uniform number in [0, 1) from the seeded source. */
  private draw(): number {
    return this.random(4).readUInt32BE(0) / 2 ** 32;
  }

  /** Whether the fault applies to this request (counting it when it matches). */
  applies(r: RequestFacts): boolean {
    const s = this.s;
    if (s.method !== undefined && s.method !== r.method) return false;
    if (this.path && !this.path.test(r.path)) return false;
    if (s.withCredentials !== undefined && s.withCredentials !== r.hasAuthorization) return false;
    const n = ++this.matched;
    if (s.nth !== undefined && n !== s.nth) return false;
    if (s.after !== undefined && n <= s.after) return false;
    if (s.every !== undefined && n % s.every !== 0) return false;
    if (s.probability !== undefined && this.draw() >= s.probability) return false;
    return true;
  }
}
