/** The mock's one source of randomness; tests may seed it. */
import { createHash, randomBytes } from 'node:crypto';

export type RandomBytes = (n: number) => Buffer;

/** Cryptographic randomness (the default). */
export const cryptoRandom: RandomBytes = (n) => randomBytes(n);

/** Deterministic bytes from a seed: SHA-256 in counter mode. For tests only. */
export function seededRandom(seed: string): RandomBytes {
  let counter = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let filled = 0; filled < n; counter++) {
      const block = createHash('sha256').update(`${seed}:${counter}`).digest();
      filled += block.copy(out, filled);
    }
    return out;
  };
}

const ALPHANUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** grafana-auth §2.1: `util.GetRandomString` — one random byte per character, byte mod 62. */
export function randomAlphanumeric(random: RandomBytes, length: number): string {
  let s = '';
  for (const b of random(length)) s += ALPHANUM[b % ALPHANUM.length];
  return s;
}

/** Ten random digits, as in Grafana's `accessErrorId` "ACE<10 digits>" (grafana-auth §1.1). */
export function randomDigits(random: RandomBytes, length: number): string {
  let s = '';
  for (const b of random(length)) s += String(b % 10);
  return s;
}

/**
 * A password with every character auth-bugs §B10 names (`# / @ : %`) among 16 alphanumerics: each
 * breaks a client that puts it raw into URL user info, or percent-decodes it twice.
 */
export function specialCharacterPassword(random: RandomBytes): string {
  const a = randomAlphanumeric(random, 16);
  return `${a.slice(0, 3)}#${a.slice(3, 6)}/${a.slice(6, 9)}@${a.slice(9, 11)}:${a.slice(11, 13)}%${a.slice(13)}`;
}
