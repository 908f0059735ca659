/** Go's `encoding/json` decoding rules that the mock copies (request bodies, legacy keys). */
import { INT64_MAX } from './strconv.ts';

/**
 * Go: src/encoding/json/stream.go Decoder.Decode — the text of the first JSON value in `text`
 * (what follows it is not read), or undefined when there is none (EOF).
 */
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

/**
 * Go: src/encoding/json/decode.go (object into a struct) — the fields of an object in order,
 * names lower-cased, as Go matches field names case-insensitively (a repeated field: the last wins).
 */
export function foldedFields(value: object): [string, unknown][] {
  return Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]);
}

/** Go: src/encoding/json/decode.go (number into int64) — an integer within range; undefined otherwise. */
export function jsonInt64(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= Number(INT64_MAX) ? v : undefined;
}
