/**
 * grafana-auth §2.2: a service-account token is `glsa_` + 32 alphanumerics + `_` + 8 lower-case hex,
 * the hex being the CRC-32 (IEEE) of `glsa_<secret>` written as 4 little-endian bytes.
 */
import { crc32 } from 'node:zlib';

export const GLSA = /^glsa_([A-Za-z0-9]{32})_([0-9a-f]{8})$/;

/** The checksum Grafana appends to `glsa_<secret>`. */
export function glsaChecksum(secret: string): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(crc32(`glsa_${secret}`));
  return b.toString('hex');
}

/** The same token with its checksum's last hex digit changed (still well-formed, checksum wrong). */
export function corruptChecksum(token: string): string {
  const last = token.at(-1);
  return `${token.slice(0, -1)}${last === '0' ? '1' : '0'}`;
}
