/**
 * The mock's server certificates: generated at first start into a git-ignored directory and
 * reused while valid, or a user-supplied pair (`--cert/--key`).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daysFrom, issueCertificate } from './issue.ts';
import { withLock, writeAtomic } from './lock.ts';
import { loadDeclarations } from './personalities.ts';

/** `mock`: self-signed with SANs (works with `--cacert`); `pmm`: shaped like PMM's own (pmm-auth §1.5). */
export type CertStyle = 'mock' | 'pmm';
export const CERT_STYLES: readonly CertStyle[] = ['mock', 'pmm'];

export const DEFAULT_CERT_DIR = fileURLToPath(new URL('../../fixtures/tls/generated/', import.meta.url));

export interface CertPair {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Regenerate when a generated certificate expires within this margin. */
const RENEW_MARGIN_MS = 7 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Reads and checks a certificate + key pair; a clear error for any fault. */
export function loadCertificatePair(certFile: string, keyFile: string): CertPair {
  const read = (file: string, what: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const certPem = read(certFile, 'certificate');
  const keyPem = read(keyFile, 'private key');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new Error(`${certFile} is not a PEM or DER X.509 certificate`);
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    throw new Error(`${keyFile} is not an unencrypted PEM private key`);
  }
  if (!matches) throw new Error(`${keyFile} is not the private key of ${certFile}`);
  return { certPem, keyPem, certFile, keyFile, notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

function usable(certFile: string, keyFile: string, nowMs: number): CertPair | undefined {
  try {
    const pair = loadCertificatePair(certFile, keyFile);
    // Not yet valid (e.g. written by a process whose clock ran ahead) or expiring soon → regenerate.
    return pair.notBefore.getTime() <= nowMs && pair.notAfter.getTime() - nowMs > RENEW_MARGIN_MS ? pair : undefined;
  } catch {
    return undefined;
  }
}

/** The mock's default: self-signed, sha256, EC P-256, SAN localhost, 127.0.0.1, ::1 (so `--cacert` works). */
async function generateMockStyle(nowMs: number): Promise<{ cert: string; key: string }> {
  // Loaded here, not at start-up: only a missing or expiring certificate needs it.
  const { generate } = await import('selfsigned');
  const pems = await generate(
    [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'pmm-auth-conformance mock, TEST ONLY, DO NOT TRUST' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(nowMs - DAY_MS),
      notAfterDate: new Date(nowMs + 365 * DAY_MS),
      extensions: [
        // Its own issuer: marked as a CA that may sign certificates, so verifiers accept it as a trust anchor.
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    },
  );
  return { cert: pems.cert, key: pems.private };
}

/**
 * pmm-auth §1.5: PMM 2.x runs `openssl req -x509 -days 365 -newkey rsa:2048` with only
 * `O = Main Org.` → self-signed RSA-2048, no SAN, no extensions: the `pmm-default` personality's
 * declaration. (PMM's is X.509 v1; this one is v3 with no extensions, which clients judge the same
 * way: no SAN, not a CA.)
 */
async function generatePmmStyle(nowMs: number): Promise<{ cert: string; key: string }> {
  const d = loadDeclarations().personalities.find((p) => p.name === 'pmm-default');
  if (!d) throw new Error('fixtures/tls/personalities/pmm-default.json is missing');
  const issued = await issueCertificate({
    ...d,
    notBefore: daysFrom(nowMs, d.validDays[0]),
    notAfter: daysFrom(nowMs, d.validDays[1]),
  });
  return { cert: issued.certPem, key: issued.keyPem };
}

/** Returns the generated certificate of `style` from `dir`, generating it when missing, unusable or expiring within 7 days. */
export async function ensureCertificate(
  dir: string,
  style: CertStyle,
  nowMs = Date.now(),
  force = false,
): Promise<CertPair> {
  const base = style === 'mock' ? 'mock-self-signed' : 'pmm-default';
  const certFile = join(dir, `${base}.crt`);
  const keyFile = join(dir, `${base}.key`);
  const existing = force ? undefined : usable(certFile, keyFile, nowMs);
  if (existing) return existing;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(
      `cannot create certificate directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return withLock(join(dir, `${base}.lock`), async () => {
    // Another process may have generated it while this one waited for the lock.
    const again = force ? undefined : usable(certFile, keyFile, nowMs);
    if (again) return again;
    const { cert, key } = style === 'mock' ? await generateMockStyle(nowMs) : await generatePmmStyle(nowMs);
    writeAtomic(keyFile, key, 0o600);
    writeAtomic(certFile, cert, 0o644);
    return loadCertificatePair(certFile, keyFile);
  });
}
