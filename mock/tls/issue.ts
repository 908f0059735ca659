/**
 * Issues one X.509 certificate from a declaration with @peculiar/x509: root and intermediate
 * CAs, leaves (with SKI and AKI, which strict verifiers such as Python ≥ 3.13 and
 * `openssl verify -x509_strict` require — selfsigned adds no AKI, clients-and-tls §2.10), and
 * "bare" certificates with no extensions at all (PMM's own, pmm-auth §1.5).
 */
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

let loaded: Promise<typeof X509> | undefined;
/**
 * @peculiar/x509, loaded on first use: loading it costs about half a mock's start-up (some 0.4
 * CPU-s here), and certificates are issued only when missing or expiring, not at every start.
 */
function x509lib(): Promise<typeof X509> {
  loaded ??= import('@peculiar/x509').then((x509) => {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  });
  return loaded;
}

export type KeyKind = 'ec-p256' | 'rsa-2048';
export type HashName = 'SHA-256' | 'SHA-1';
export type CertProfile = 'root' | 'intermediate' | 'leaf' | 'bare';

export interface CertSpec {
  readonly subject: string;
  /** `dns:<name>` or `ip:<address>`. */
  readonly san: readonly string[];
  readonly profile: CertProfile;
  readonly key: KeyKind;
  readonly hash: HashName;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface Issued {
  readonly cert: X509.X509Certificate;
  readonly certPem: string;
  readonly keyPem: string;
  readonly keys: webcrypto.CryptoKeyPair;
}

const DAY_MS = 24 * 3600 * 1000;

export function daysFrom(nowMs: number, days: number): Date {
  return new Date(nowMs + days * DAY_MS);
}

function keyAlgorithm(kind: KeyKind, hash: HashName) {
  return kind === 'ec-p256'
    ? { name: 'ECDSA', namedCurve: 'P-256', hash }
    : { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash };
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A positive serial number (first byte below 0x80). */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f || 1;
  return Buffer.from(bytes).toString('hex');
}

async function extensionsFor(
  spec: CertSpec,
  keys: webcrypto.CryptoKeyPair,
  issuer: Issued | undefined,
): Promise<X509.Extension[]> {
  const x509 = await x509lib();
  if (spec.profile === 'bare') return [];
  const F = x509.KeyUsageFlags;
  const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never);
  const aki = await x509.AuthorityKeyIdentifierExtension.create((issuer ?? { keys }).keys.publicKey as never);
  if (spec.profile === 'root') {
    return [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(F.keyCertSign | F.cRLSign, true),
      ski,
    ];
  }
  if (spec.profile === 'intermediate') {
    return [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(F.keyCertSign | F.cRLSign | F.digitalSignature, true),
      ski,
      aki,
    ];
  }
  const usage = spec.key === 'rsa-2048' ? F.digitalSignature | F.keyEncipherment : F.digitalSignature;
  const names = spec.san.map((s) => {
    const [type, ...rest] = s.split(':');
    return { type: type === 'ip' ? ('ip' as const) : ('dns' as const), value: rest.join(':') };
  });
  const exts: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ski,
    aki,
  ];
  if (names.length > 0) exts.push(new x509.SubjectAlternativeNameExtension(names));
  return exts;
}

/** Issues `spec`, signed by `issuer` (self-signed when absent) with the issuer's key type and `spec.hash`. */
export async function issueCertificate(spec: CertSpec, issuer?: Issued): Promise<Issued> {
  const x509 = await x509lib();
  const alg = keyAlgorithm(spec.key, spec.hash);
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const signer = issuer ?? { keys, cert: undefined };
  const signingAlgorithm = {
    ...keyAlgorithm(
      issuer ? (issuer.keys.privateKey.algorithm.name === 'ECDSA' ? 'ec-p256' : 'rsa-2048') : spec.key,
      spec.hash,
    ),
  };
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: spec.subject,
    issuer: signer.cert ? signer.cert.subject : spec.subject,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    signingAlgorithm,
    publicKey: keys.publicKey as never,
    signingKey: signer.keys.privateKey as never,
    extensions: await extensionsFor(spec, keys, issuer),
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert, certPem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', pkcs8), keys };
}
