/**
 * pmm-auth §2.2 step 3, `cleanPath` as in PMM 2.41's auth server: url.PathUnescape →
 * path.Clean → "\n" → " " → url.Parse, query dropped, `u.String()` (a #fragment survives).
 * Any error → undefined (the caller answers code 13).
 */

/** Go's `path.Clean` (lexical: collapse slashes, drop ".", resolve ".."). */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Go's `url.PathUnescape`: `%XX` decoded, `+` kept; a bad escape is an error. */
export function goPathUnescape(s: string): string | undefined {
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

export function cleanPath(originalUri: string): string | undefined {
  const unescaped = goPathUnescape(originalUri);
  if (unescaped === undefined) return undefined;
  const cleaned = goPathClean(unescaped).replaceAll('\n', ' ');
  // url.Parse rejects ASCII control characters.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(cleaned)) return undefined;
  const hash = cleaned.indexOf('#');
  const beforeFragment = hash < 0 ? cleaned : cleaned.slice(0, hash);
  const fragment = hash < 0 ? undefined : cleaned.slice(hash + 1);
  const q = beforeFragment.indexOf('?');
  const path = q < 0 ? beforeFragment : beforeFragment.slice(0, q);
  // url.Parse unescapes path and fragment again (a bad escape there is an error); the raw query is not checked.
  if (BAD_ESCAPE.test(path) || (fragment !== undefined && BAD_ESCAPE.test(fragment))) return undefined;
  return fragment === undefined ? path : `${path}#${fragment}`;
}
