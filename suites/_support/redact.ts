/** Keys as they may appear in a report: a prefix and a fingerprint, never whole. */
import { createHash } from 'node:crypto';

/** Legacy keys (base64 of {"k":…}) and glsa_ tokens, as they may appear in a body. */
const SECRET = /eyJrIjoi[A-Za-z0-9+/]{20,}={0,2}|glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}/g;

export function redactSecrets(text: string): string {
  return text.replace(
    SECRET,
    (k) => `${k.slice(0, 8)}…<sha256:${createHash('sha256').update(k).digest('hex').slice(0, 16)}>`,
  );
}
