/**
 * Grafana's `web.Bind` for `POST /api/auth/keys` (grafana-auth §1.2): the content type must be
 * `application/json`; Go's json.Decoder reads the first JSON value (an empty body is EOF,
 * tolerated); Go's decoder matches field names case-insensitively; then `binding:"Required"`.
 */
import type { OrgRole } from '../profiles/types.ts';

export interface AddKeyCommand {
  readonly name: string;
  readonly role: OrgRole;
  readonly secondsToLive: number;
}

interface Fields {
  name: string;
  role: OrgRole | '';
  secondsToLive: number;
}

const INT64_MAX = 9223372036854775807;

/** Go's `mime.ParseMediaType` media type, lower-cased; undefined when it does not parse. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(type) ? type : undefined;
}

/** The text of the first JSON value in `text` (json.Decoder ignores what follows), or undefined when empty. */
export function firstJsonValue(text: string): string | undefined {
  const start = text.search(/\S/);
  if (start < 0) return undefined;
  const open = text[start];
  if (open !== '{' && open !== '[') return text.slice(start);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      if (--depth === 0) return text.slice(start, i + 1);
    }
  }
  return text.slice(start);
}

/** Binds the body; undefined on any bind error (→ 400 "bad request data"). */
export function bindAddKeyCommand(contentType: string | undefined, text: string, roles: readonly OrgRole[], anyCaseRoles = false): AddKeyCommand | undefined {
  // Title-casing (11.x, grafana-auth §1.2) and the test-only deviation role-any-case both fold case.
  // grafana-auth §1.2: a missing or other content type is a bind error.
  const entries = bindJsonEntries(contentType, text);
  const cmd: Fields = { name: '', role: '', secondsToLive: 0 };
  if (!entries || !assignFields(cmd, entries, roles, anyCaseRoles)) return undefined;
  // grafana-auth §1.2: `binding:"Required"` fails on the zero value: missing/empty name, missing role.
  if (cmd.name === '' || cmd.role === '') return undefined;
  return { name: cmd.name, role: cmd.role, secondsToLive: cmd.secondsToLive };
}

function assignFields(cmd: Fields, entries: readonly [string, unknown][], roles: readonly OrgRole[], anyCaseRoles: boolean): boolean {
  let ok = true;
  for (const [field, v] of entries) {
    if (field === 'name') {
      if (typeof v === 'string') cmd.name = v;
      else if (v !== null) ok = false;
    } else if (field === 'role') {
      // grafana-auth §1.2: 9.x role unmarshaller — case-sensitive; "" (and null) → Viewer; other → error.
      const role = parseRole(v, roles, anyCaseRoles);
      if (role) cmd.role = role;
      else ok = false;
    } else if (field === 'secondstolive') {
      // grafana-auth §1.2: int64; a fraction, a string or an out-of-range number is a bind error.
      const seconds = parseInt64(v);
      if (seconds !== undefined) cmd.secondsToLive = seconds;
      else if (v !== null) ok = false;
    }
  }
  return ok;
}

/**
 * `web.Bind`'s JSON part: the fields of the first JSON object in order, names lower-cased (Go
 * matches field names case-insensitively); none for an empty body or `null`; undefined on a bind
 * error (wrong content type, not JSON, not an object).
 */
export function bindJsonEntries(contentType: string | undefined, text: string): [string, unknown][] | undefined {
  if (mediaType(contentType) !== 'application/json') return undefined;
  const raw = firstJsonValue(text);
  if (raw === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]);
}

/** The same as a record (a repeated field: the last one), for the service-account and token commands. */
export function bindJsonFields(contentType: string | undefined, text: string): Record<string, unknown> | undefined {
  const entries = bindJsonEntries(contentType, text);
  return entries && Object.fromEntries(entries);
}

/** grafana-auth §1.2: a role string as the profile's Grafana unmarshals it; "" or null → Viewer; undefined = invalid. */
export function parseRole(v: unknown, roles: readonly OrgRole[], anyCase: boolean): OrgRole | undefined {
  if (v === null || v === '') return 'Viewer';
  if (typeof v !== 'string') return undefined;
  if ((roles as readonly string[]).includes(v)) return v as OrgRole;
  return anyCase ? roles.find((r) => r.toLowerCase() === v.toLowerCase()) : undefined;
}

/** Go's int64 from JSON: an integer within range; undefined otherwise. */
export function parseInt64(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= INT64_MAX ? v : undefined;
}
