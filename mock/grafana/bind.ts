/**
 * Grafana's `web.Bind` for `POST /api/auth/keys` (grafana-auth §1.2): the content type must be
 * `application/json`; Go's json.Decoder reads the first JSON value (an empty body is EOF,
 * tolerated); Go's decoder matches field names case-insensitively; then `binding:"Required"`.
 */
import { firstJsonValue, foldedFields, jsonInt64 } from '../go/json.ts';
import { mediaType } from '../go/mime.ts';
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

/** Binds the body; undefined on any bind error (→ 400 "bad request data"). */
export function bindAddKeyCommand(
  contentType: string | undefined,
  text: string,
  roles: readonly OrgRole[],
  anyCaseRoles = false,
): AddKeyCommand | undefined {
  // grafana-auth §1.2: `anyCaseRoles` — 11.x title-cases the role first (profile `roleParsing`).
  // grafana-auth §1.2: a missing or other content type is a bind error.
  const entries = bindJsonEntries(contentType, text);
  const cmd: Fields = { name: '', role: '', secondsToLive: 0 };
  if (!entries || !assignFields(cmd, entries, roles, anyCaseRoles)) return undefined;
  // grafana-auth §1.2: `binding:"Required"` fails on the zero value: missing/empty name, missing role.
  if (cmd.name === '' || cmd.role === '') return undefined;
  return { name: cmd.name, role: cmd.role, secondsToLive: cmd.secondsToLive };
}

function assignFields(
  cmd: Fields,
  entries: readonly [string, unknown][],
  roles: readonly OrgRole[],
  anyCaseRoles: boolean,
): boolean {
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
      const seconds = jsonInt64(v);
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
  return foldedFields(value);
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
