/**
 * Keys as they may appear in a report: a prefix and a fingerprint, never whole. Every failure
 * message of the server suite goes through here (case.ts `redactFailure`, setup.ts): the keys and
 * tokens of this run (remembered as send() receives them), raw, percent-encoded or as their secret
 * part alone, and anything shaped like a legacy key or a glsa_ token.
 */
import { createHash } from 'node:crypto';

/** Legacy keys (base64 of {"k":…}) and glsa_ tokens, as they may appear in a body. */
const SECRET = /eyJrIjoi[A-Za-z0-9+/]{20,}={0,2}|glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}/g;

/** Keys and tokens this run received, and their secret parts (a legacy `k`, a token's random part). */
const known = new Set<string>();

const fingerprint = (k: string): string =>
  `${k.slice(0, Math.min(8, Math.floor(k.length / 4)))}…<sha256:${createHash('sha256').update(k).digest('hex').slice(0, 16)}>`;

/** Remembers a key or token of this run, so that no report shows it (nor its secret part). */
export function rememberSecret(key: string): void {
  if (key.length < 16 || known.has(key)) return;
  known.add(key);
  const token = /^gl[a-z]*_([A-Za-z0-9]{16,})_[0-9a-f]{8}$/.exec(key);
  if (token) known.add(token[1]!);
  try {
    const k = (JSON.parse(Buffer.from(key, 'base64').toString('utf8')) as { k?: unknown }).k;
    if (typeof k === 'string' && k.length >= 16) known.add(k);
  } catch {
    // not the legacy format: the key itself is remembered
  }
}

/** Forgets the remembered keys (tests of this module). */
export function forgetSecrets(): void {
  known.clear();
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function redactSecrets(text: string): string {
  let out = text;
  if (known.size > 0) {
    // Longest first: a whole key before its secret part.
    const forms = [...known]
      .sort((a, b) => b.length - a.length)
      .flatMap((k) => {
        const encoded = encodeURIComponent(k);
        const json = JSON.stringify(k).slice(1, -1);
        return [...new Set([k, encoded, json])].map((f) => [f, k] as const);
      });
    const byForm = new Map(forms);
    const re = new RegExp([...byForm.keys()].map(escapeRegExp).join('|'), 'g');
    out = out.replace(re, (f) => fingerprint(byForm.get(f) ?? f));
  }
  return out.replace(SECRET, fingerprint);
}

/**
 * A copy of a value with every string redacted (an assertion's `actual` and `expected`, from which
 * vitest builds its diff): arrays and plain objects are copied, other objects kept as they are.
 */
function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactSecrets(k), redactValue(v, depth + 1)]));
}

/**
 * The error with its message, stack, diff and the compared values redacted (in place; vitest's
 * processed errors — `onTestFailed`'s `result.errors` — included). Returns what it was given.
 */
export function redactFailure<T>(error: T): T {
  if (error === null || typeof error !== 'object') return error;
  const e = error as Record<string, unknown>;
  for (const field of ['message', 'stack', 'diff', 'actual', 'expected', 'stackStr', 'nameStr']) {
    if (!(field in e)) continue;
    try {
      e[field] = redactValue(e[field]);
    } catch {
      // a read-only field: left as is
    }
  }
  if (e.cause !== undefined && e.cause !== error) redactFailure(e.cause);
  return error;
}

/** Runs `body`; whatever it throws is thrown redacted. */
export async function redactingFailures<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    throw redactFailure(e);
  }
}
