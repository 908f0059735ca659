/**
 * Certificate personalities (badssl.com-style, generated locally): one declaration per
 * certificate in fixtures/tls/{authorities,personalities}/, generated together into a
 * git-ignored directory, reused while valid, regenerated when missing, stale, or forced.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daysFrom, issueCertificate, type CertProfile, type HashName, type Issued, type KeyKind } from './issue.ts';
import { withLock, writeAtomic } from './lock.ts';

export const DECLARATIONS_DIR = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url));

export interface Declaration {
  readonly name: string;
  readonly tests: string;
  /** `self`, or the name of an authority. */
  readonly issuer: string;
  readonly subject: string;
  readonly san: readonly string[];
  readonly profile: CertProfile;
  readonly key: KeyKind;
  readonly hash: HashName;
  /** [notBefore, notAfter] in days relative to the generation time. */
  readonly validDays: readonly [number, number];
  /** Serve the intermediate after the leaf (personalities only). */
  readonly serveChain: boolean;
}

export interface Personality {
  readonly name: string;
  readonly declaration: Declaration;
  /** The leaf alone (what a user would pass to --cacert for a self-signed one). */
  readonly certFile: string;
  readonly keyFile: string;
  /** What the listener serves: the leaf, plus the intermediate when `serveChain`. */
  readonly chainPem: string;
  readonly keyPem: string;
}

export interface PersonalitySet {
  readonly dir: string;
  /** The test root CA: the file clients are given in mode `ca`. */
  readonly rootCaFile: string;
  readonly untrustedRootFile: string;
  readonly intermediateFile: string;
  readonly personalities: ReadonlyMap<string, Personality>;
}

const KEYS = ['tests', 'issuer', 'subject', 'san', 'profile', 'key', 'hash', 'validDays', 'serveChain'];
const PROFILES: readonly CertProfile[] = ['root', 'intermediate', 'leaf', 'bare'];

/** Reads and checks one declaration; a clear error names the file and the field. */
function readDeclaration(file: string, name: string): Declaration {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const bad = (field: string, want: string): never => {
    throw new Error(`${file}: "${field}" must be ${want}`);
  };
  const unknown = Object.keys(raw).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw new Error(`${file}: unknown field(s) ${unknown.join(', ')}`);
  const { tests, issuer, subject, san = [], profile, key, hash, validDays, serveChain = false } = raw;
  if (typeof tests !== 'string' || tests === '') bad('tests', 'a sentence saying what it tests');
  if (typeof issuer !== 'string' || issuer === '') bad('issuer', '"self" or an authority name');
  if (typeof subject !== 'string' || !/^[A-Z]+=/.test(subject))
    bad('subject', 'a distinguished name such as "CN=localhost"');
  if (!Array.isArray(san) || !san.every((s) => typeof s === 'string' && /^(dns|ip):./.test(s)))
    bad('san', 'a list of "dns:<name>" or "ip:<address>"');
  if (!PROFILES.includes(profile as CertProfile)) bad('profile', PROFILES.join(' | '));
  if (key !== 'ec-p256' && key !== 'rsa-2048') bad('key', '"ec-p256" or "rsa-2048"');
  if (hash !== 'SHA-256' && hash !== 'SHA-1') bad('hash', '"SHA-256" or "SHA-1"');
  const days = validDays as unknown[];
  if (
    !Array.isArray(days) ||
    days.length !== 2 ||
    !days.every(Number.isInteger) ||
    (days[0] as number) >= (days[1] as number)
  ) {
    bad('validDays', '[fromDays, toDays] with fromDays < toDays');
  }
  if (typeof serveChain !== 'boolean') bad('serveChain', 'true or false');
  return {
    name,
    tests: tests as string,
    issuer: issuer as string,
    subject: subject as string,
    san: san as string[],
    profile: profile as CertProfile,
    key: key as KeyKind,
    hash: hash as HashName,
    validDays: days as [number, number],
    serveChain: serveChain as boolean,
  };
}

function readDir(dir: string): Declaration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readDeclaration(join(dir, f), f.slice(0, -'.json'.length)));
}

export function loadDeclarations(root = DECLARATIONS_DIR): {
  authorities: Declaration[];
  personalities: Declaration[];
} {
  const authorities = readDir(join(root, 'authorities'));
  const personalities = readDir(join(root, 'personalities'));
  const known = new Set(['self', ...authorities.map((a) => a.name)]);
  for (const d of [...authorities, ...personalities]) {
    if (!known.has(d.issuer))
      throw new Error(`${d.name}: unknown issuer "${d.issuer}" (known: ${[...known].join(', ')})`);
  }
  const clash = personalities.filter((p) => authorities.some((a) => a.name === p.name));
  if (clash.length > 0)
    throw new Error(`personality and authority names must differ: ${clash.map((c) => c.name).join(', ')}`);
  for (const name of ['root-ca', 'untrusted-root-ca', 'intermediate']) {
    if (!authorities.some((a) => a.name === name)) throw new Error(`fixtures/tls/authorities/${name}.json is missing`);
  }
  return { authorities, personalities };
}

export const PERSONALITY_NAMES: readonly string[] = loadDeclarations().personalities.map((p) => p.name);

const RENEW_MARGIN_DAYS = 7;
const MANIFEST = 'manifest.json';

function fingerprintOf(decls: readonly Declaration[]): string {
  return createHash('sha256').update(JSON.stringify(decls)).digest('hex');
}

/** Whether the set in `dir` can be reused: same declarations, files present, nothing about to change state. */
function reusable(
  dir: string,
  decls: readonly Declaration[],
  personalities: readonly Declaration[],
  nowMs: number,
): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { declarations?: string };
    if (manifest.declarations !== fingerprintOf(decls)) return false;
    const margin = RENEW_MARGIN_DAYS * 24 * 3600 * 1000;
    for (const d of decls) {
      const cert = new X509Certificate(readFileSync(join(dir, `${d.name}.crt`)));
      if (!existsSync(join(dir, `${d.name}.key`))) return false;
      const from = Date.parse(cert.validFrom);
      const to = Date.parse(cert.validTo);
      // A valid certificate must stay valid for the margin; a future one must stay in the future;
      // one declared entirely in the past stays expired forever.
      if (d.validDays[0] <= 0 && d.validDays[1] > 0 && to - nowMs < margin) return false;
      if (d.validDays[0] > 0 && from - nowMs < margin) return false;
    }
    return personalities.every((p) => existsSync(join(dir, `${p.name}.chain.pem`)));
  } catch {
    return false;
  }
}

async function generateAll(
  dir: string,
  decls: readonly Declaration[],
  authorities: readonly Declaration[],
  nowMs: number,
): Promise<void> {
  const issued = new Map<string, Issued>();
  const byName = new Map(decls.map((d) => [d.name, d]));
  const issue = async (d: Declaration): Promise<Issued> => {
    const done = issued.get(d.name);
    if (done) return done;
    const issuer = d.issuer === 'self' ? undefined : await issue(byName.get(d.issuer)!);
    const spec = { ...d, notBefore: daysFrom(nowMs, d.validDays[0]), notAfter: daysFrom(nowMs, d.validDays[1]) };
    const result = await issueCertificate(spec, issuer);
    issued.set(d.name, result);
    return result;
  };
  for (const d of decls) await issue(d);
  for (const d of decls) {
    const it = issued.get(d.name)!;
    writeAtomic(join(dir, `${d.name}.key`), it.keyPem, 0o600);
    writeAtomic(join(dir, `${d.name}.crt`), it.certPem, 0o644);
    if (!authorities.includes(d)) {
      const chain = d.serveChain && d.issuer !== 'self' ? it.certPem + issued.get(d.issuer)!.certPem : it.certPem;
      writeAtomic(join(dir, `${d.name}.chain.pem`), chain, 0o644);
    }
  }
  writeAtomic(
    join(dir, MANIFEST),
    `${JSON.stringify({ generated: new Date(nowMs).toISOString(), declarations: fingerprintOf(decls) }, null, 2)}\n`,
    0o644,
  );
}

function loadSet(dir: string, personalities: readonly Declaration[]): PersonalitySet {
  const map = new Map<string, Personality>();
  for (const d of personalities) {
    map.set(d.name, {
      name: d.name,
      declaration: d,
      certFile: join(dir, `${d.name}.crt`),
      keyFile: join(dir, `${d.name}.key`),
      chainPem: readFileSync(join(dir, `${d.name}.chain.pem`), 'utf8'),
      keyPem: readFileSync(join(dir, `${d.name}.key`), 'utf8'),
    });
  }
  return {
    dir,
    rootCaFile: join(dir, 'root-ca.crt'),
    untrustedRootFile: join(dir, 'untrusted-root-ca.crt'),
    intermediateFile: join(dir, 'intermediate.crt'),
    personalities: map,
  };
}

/**
 * The personality set in `<certDir>/personalities/`, generated when missing, when the
 * declarations changed, when a certificate is about to change state (7 days), or with `force`.
 */
export async function ensurePersonalities(
  certDir: string,
  opts: { force?: boolean; nowMs?: number } = {},
): Promise<PersonalitySet & { generated: boolean }> {
  const nowMs = opts.nowMs ?? Date.now();
  const { authorities, personalities } = loadDeclarations();
  const decls = [...authorities, ...personalities];
  const dir = join(certDir, 'personalities');
  if (!opts.force && reusable(dir, decls, personalities, nowMs))
    return { ...loadSet(dir, personalities), generated: false };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(
      `cannot create certificate directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return withLock(join(dir, 'generate.lock'), async () => {
    if (!opts.force && reusable(dir, decls, personalities, nowMs))
      return { ...loadSet(dir, personalities), generated: false };
    await generateAll(dir, decls, authorities, nowMs);
    return { ...loadSet(dir, personalities), generated: true };
  });
}
