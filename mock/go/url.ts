/** Go's `net/url` escaping rules that PMM's `cleanPath` relies on. */

/** A `%` not followed by two hex digits: Go's `url.unescape` reports an EscapeError. */
export const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Go: src/net/url/url.go PathUnescape — `%XX` decoded, `+` kept; a bad escape is an error (undefined). */
export function pathUnescape(s: string): string | undefined {
  if (BAD_ESCAPE.test(s)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
