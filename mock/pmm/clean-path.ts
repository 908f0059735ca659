/**
 * pmm-auth §2.2 step 3, `cleanPath` as in PMM 2.41's auth server: url.PathUnescape →
 * path.Clean → "\n" → " " → url.Parse, query dropped, `u.String()` (a #fragment survives).
 * Any error → undefined (the caller answers code 13).
 */
import { pathClean } from '../go/path.ts';
import { memoize } from '../memo.ts';
import { BAD_ESCAPE, pathUnescape } from '../go/url.ts';

/** Issue 15: once per distinct request target (mock/memo.ts). */
export const cleanPath: (originalUri: string) => string | undefined = memoize(cleanPathOnce);

function cleanPathOnce(originalUri: string): string | undefined {
  const unescaped = pathUnescape(originalUri);
  if (unescaped === undefined) return undefined;
  const cleaned = pathClean(unescaped).replaceAll('\n', ' ');
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
