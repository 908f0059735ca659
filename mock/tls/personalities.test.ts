/**
 * Issue 3 §1, §3: the certificate personalities — generation, reuse and renewal of the set, each
 * certificate's properties against its declaration in fixtures/tls/, the catalogue
 * (personalities.json) against the declarations, and clear errors for bad declarations.
 */
import { X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../testing/run.ts';
import {
  DECLARATIONS_DIR,
  ensurePersonalities,
  loadDeclarations,
  type Declaration,
  type PersonalitySet,
} from './personalities.ts';

const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;
const DECLS = loadDeclarations();
const AUTHORITY = new Map(DECLS.authorities.map((a) => [a.name, a]));
const VERDICTS = ['accept', 'refuse', 'either'];
const temps: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmm-auth-personalities-'));
  temps.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One set generated for the file (lazily), and when its generation began. */
let base: Promise<{ dir: string; generatedAt: number }> | undefined;

/**
 * A directory holding a copy of that set, as a first call would have left it: the tests that start
 * from a generated set copy it instead of generating their own (a set takes a few hundred ms of CPU).
 */
async function generatedCopy(): Promise<{ dir: string; generatedAt: number }> {
  base ??= (async () => {
    const dir = tempDir();
    const generatedAt = Date.now();
    expect((await ensurePersonalities(dir)).generated).toBe(true);
    return { dir, generatedAt };
  })();
  const { dir: from, generatedAt } = await base;
  const dir = tempDir();
  cpSync(join(from, 'personalities'), join(dir, 'personalities'), { recursive: true });
  return { dir, generatedAt };
}

/** Every file of the set, by name: what "same PEMs" compares. */
function snapshot(set: PersonalitySet): Record<string, string> {
  const files = [set.rootCaFile, set.untrustedRootFile, set.intermediateFile];
  for (const p of set.personalities.values()) files.push(p.certFile, p.keyFile);
  return Object.fromEntries(files.map((f) => [f, readFileSync(f, 'utf8')]));
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}

/** Node prints IPv6 SANs expanded, without leading zeros: ::1 → 0:0:0:0:0:0:0:1. */
function expandIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

function sanText(d: Declaration): string | undefined {
  if (d.san.length === 0) return undefined;
  return d.san
    .map((s) => (s.startsWith('dns:') ? `DNS:${s.slice(4)}` : `IP Address:${expandIp(s.slice(3))}`))
    .join(', ');
}

/** OpenSSL's name of the signature algorithm: the issuer's key type with the declared hash. */
function signatureName(d: Declaration): string {
  const issuerKey = d.issuer === 'self' ? d.key : AUTHORITY.get(d.issuer)!.key;
  const hash = d.hash.replace('-', '');
  return issuerKey === 'ec-p256' ? `ecdsa-with-${hash}` : `${hash.toLowerCase()}WithRSAEncryption`;
}

/** `x` names `by` as its issuer and carries `by`'s signature (checkIssued would also demand keyCertSign, which a self-signed leaf lacks). */
function signedBy(x: X509Certificate, by: X509Certificate): boolean {
  return x.issuer === by.subject && x.verify(by.publicKey);
}

async function opensslText(file: string): Promise<string> {
  const r = await run('openssl', ['x509', '-noout', '-text', '-in', file]);
  expect(r.code).toBe(0);
  return r.stdout;
}

describe('ensurePersonalities: generation, reuse, renewal (issue 3 §1)', () => {
  it('issue 3 §1: a fresh directory gets the whole set (3 authorities, every declared personality), generated:true', async () => {
    const dir = tempDir();
    const started = Date.now();
    const set = await ensurePersonalities(dir);
    console.log(
      `issue 3 §1: generated ${set.personalities.size} personalities and 3 authorities in ${Date.now() - started} ms`,
    );
    expect(set.generated).toBe(true);
    expect(set.dir).toBe(join(dir, 'personalities'));
    expect([...set.personalities.keys()]).toEqual(DECLS.personalities.map((d) => d.name));
    for (const f of [set.rootCaFile, set.untrustedRootFile, set.intermediateFile]) expect(existsSync(f), f).toBe(true);
  });

  it('issue 3 §1: a second call reuses the set (generated:false, the same PEMs)', async () => {
    const { dir } = await generatedCopy();
    const first = await ensurePersonalities(dir);
    const second = await ensurePersonalities(dir);
    expect(second.generated).toBe(false);
    expect(snapshot(second)).toEqual(snapshot(first));
  });

  it('issue 3 §1: {force:true} regenerates the set (generated:true, new PEMs)', async () => {
    const { dir } = await generatedCopy();
    const first = snapshot(await ensurePersonalities(dir));
    const forced = await ensurePersonalities(dir, { force: true });
    expect(forced.generated).toBe(true);
    const now = snapshot(forced);
    for (const [file, pem] of Object.entries(now)) expect(pem, file).not.toBe(first[file]);
  });

  it.each([
    { days: 20, regenerated: false, why: 'nothing changes state within 7 days' },
    { days: 24, regenerated: true, why: 'not-yet-valid (from +30 days) would become valid within 7 days' },
    { days: 360, regenerated: true, why: 'the 365-day leaves would expire within 7 days' },
  ])('issue 3 §1: called $days days later → generated:$regenerated ($why)', async ({ days, regenerated }) => {
    const { dir } = await generatedCopy();
    const now = Date.now();
    const first = snapshot(await ensurePersonalities(dir, { nowMs: now }));
    const later = await ensurePersonalities(dir, { nowMs: now + days * DAY_MS });
    expect(later.generated).toBe(regenerated);
    expect(snapshot(later)[later.rootCaFile] !== first[later.rootCaFile]).toBe(regenerated);
    expect((await ensurePersonalities(dir, { nowMs: now + days * DAY_MS })).generated).toBe(false);
  });

  it.each(['valid.crt', 'expired.key', 'root-ca.crt', 'intermediate.key', 'valid.chain.pem', 'manifest.json'])(
    'issue 3 §1: with %s deleted, the set is regenerated (generated:true, the file is back)',
    async (file) => {
      const { dir } = await generatedCopy();
      expect((await ensurePersonalities(dir)).generated).toBe(false);
      rmSync(join(dir, 'personalities', file));
      const again = await ensurePersonalities(dir);
      expect(again.generated).toBe(true);
      expect(existsSync(join(dir, 'personalities', file))).toBe(true);
    },
  );
});

describe('each certificate matches its declaration (issue 3 §1)', () => {
  let set: PersonalitySet;
  let generatedAt: number;
  const cert = (name: string) => new X509Certificate(readFileSync(join(set.dir, `${name}.crt`)));

  beforeAll(async () => {
    const copy = await generatedCopy();
    generatedAt = copy.generatedAt;
    set = await ensurePersonalities(copy.dir);
  });

  it.each(DECLS.personalities.map((d) => [d.name, d] as const))(
    'issue 3 §1: %s — subject, SANs, key, signature, validity, issuer and served chain as declared',
    async (name, d) => {
      const x = cert(name);
      expect(x.subject).toBe(d.subject);
      expect(x.subjectAltName).toBe(sanText(d));
      const key = x.publicKey;
      if (d.key === 'ec-p256')
        expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve]).toEqual(['ec', 'prime256v1']);
      else expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.modulusLength]).toEqual(['rsa', 2048]);
      expect(await opensslText(join(set.dir, `${name}.crt`))).toContain(`Signature Algorithm: ${signatureName(d)}`);
      expect(Math.abs(Date.parse(x.validFrom) - (generatedAt + d.validDays[0] * DAY_MS))).toBeLessThan(HOUR_MS);
      expect(Math.abs(Date.parse(x.validTo) - (generatedAt + d.validDays[1] * DAY_MS))).toBeLessThan(HOUR_MS);
      const issuer = d.issuer === 'self' ? x : cert(d.issuer);
      expect(signedBy(x, issuer)).toBe(true);
      const served = pemBlocks(set.personalities.get(name)!.chainPem).map((p) => new X509Certificate(p).fingerprint256);
      const expected = d.serveChain && d.issuer !== 'self' ? [x, issuer] : [x];
      expect(served).toEqual(expected.map((c) => c.fingerprint256));
    },
  );

  it.each([
    {
      name: 'valid',
      issuer: 'intermediate',
      served: 2,
      signature: 'ecdsa-with-SHA256',
      san: 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    },
    {
      name: 'self-signed',
      issuer: 'self',
      served: 1,
      signature: 'ecdsa-with-SHA256',
      san: 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    },
    { name: 'pmm-default', issuer: 'self', served: 1, signature: 'sha256WithRSAEncryption', san: undefined },
    { name: 'wrong-host', issuer: 'intermediate', served: 2, signature: 'ecdsa-with-SHA256', san: 'DNS:pmm.invalid' },
    {
      name: 'untrusted-root',
      issuer: 'untrusted-root-ca',
      served: 1,
      signature: 'ecdsa-with-SHA256',
      san: 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    },
    {
      name: 'incomplete-chain',
      issuer: 'intermediate',
      served: 1,
      signature: 'ecdsa-with-SHA256',
      san: 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    },
    { name: 'no-san', issuer: 'intermediate', served: 2, signature: 'ecdsa-with-SHA256', san: undefined },
    {
      name: 'sha1',
      issuer: 'intermediate',
      served: 2,
      signature: 'ecdsa-with-SHA1',
      san: 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    },
  ])(
    'issue 3 §1: $name is signed by $issuer ($signature), SAN $san, served with $served certificate(s)',
    async ({ name, issuer, served, signature, san }) => {
      const x = cert(name);
      const by = issuer === 'self' ? x : cert(issuer);
      expect(signedBy(x, by)).toBe(true);
      expect(pemBlocks(set.personalities.get(name)!.chainPem)).toHaveLength(served);
      expect(x.subjectAltName).toBe(san);
      expect(await opensslText(join(set.dir, `${name}.crt`))).toMatch(
        new RegExp(`Signature Algorithm: ${signature}\\n`),
      );
    },
  );

  it.each([
    ['expired', 'entirely in the past'],
    ['not-yet-valid', 'entirely in the future'],
  ])('issue 3 §1: %s is valid %s', (name, when) => {
    const x = cert(name);
    const now = Date.now();
    if (when === 'entirely in the past') expect(Date.parse(x.validTo)).toBeLessThan(now);
    else expect(Date.parse(x.validFrom)).toBeGreaterThan(now);
  });

  it('pmm-auth §1.5: pmm-default is self-signed RSA-2048, subject O=Main Org., with no extensions at all', async () => {
    const x = cert('pmm-default');
    expect([x.subject, x.issuer, x.publicKey.asymmetricKeyDetails?.modulusLength]).toEqual([
      'O=Main Org.',
      'O=Main Org.',
      2048,
    ]);
    expect(await opensslText(join(set.dir, 'pmm-default.crt'))).not.toContain('X509v3 extensions');
  });

  it.each(['root-ca', 'untrusted-root-ca', 'intermediate'])(
    'issue 3 §1: the %s subject says TEST ONLY and DO NOT TRUST',
    (name) => {
      const subject = cert(name).subject;
      expect(subject).toContain('TEST ONLY');
      expect(subject).toContain('DO NOT TRUST');
    },
  );
});

interface CatalogueEntry {
  description?: unknown;
  badssl?: unknown;
  expect?: Record<string, unknown>;
  source?: unknown;
}
const CATALOGUE = JSON.parse(readFileSync(join(DECLARATIONS_DIR, 'personalities.json'), 'utf8')) as {
  personalities: Record<string, CatalogueEntry>;
};
const ENTRIES = Object.entries(CATALOGUE.personalities);

describe('the catalogue fixtures/tls/personalities.json (issue 3 §3)', () => {
  it('issue 3 §3: every declaration in fixtures/tls/personalities has a catalogue entry, and every entry a declaration', () => {
    expect(Object.keys(CATALOGUE.personalities).sort()).toEqual(DECLS.personalities.map((d) => d.name).sort());
  });

  it.each(ENTRIES)(
    "issue 3 §3: %s has its declaration's description, a badssl counterpart, a verdict per mode and a source",
    (name, entry) => {
      expect(entry.description).toBe(DECLS.personalities.find((d) => d.name === name)?.tests);
      expect(typeof entry.badssl === 'string' || entry.badssl === null).toBe(true);
      expect(Object.keys(entry.expect ?? {}).sort()).toEqual(['ca', 'insecure', 'verify']);
      for (const v of Object.values(entry.expect ?? {})) expect(VERDICTS).toContain(v);
      expect(typeof entry.source === 'string' && entry.source.trim() !== '').toBe(true);
    },
  );

  it.each(ENTRIES)('clients-and-tls §1: %s is refused in mode verify and accepted in mode insecure', (_name, entry) => {
    expect(entry.expect).toMatchObject({ verify: 'refuse', insecure: 'accept' });
  });
});

describe('bad declarations give clear errors (issue 3 §1)', () => {
  /** A copy of fixtures/tls (declarations only) with one file rewritten. */
  function brokenCopy(file: string, edit: (text: string) => string): string {
    const root = tempDir();
    cpSync(DECLARATIONS_DIR, root, { recursive: true, filter: (src) => !src.includes('generated') });
    writeFileSync(join(root, file), edit(readFileSync(join(root, file), 'utf8')));
    return root;
  }

  it('issue 3 §1: an unchanged copy loads exactly the declarations of fixtures/tls', () => {
    expect(loadDeclarations(brokenCopy('personalities/valid.json', (t) => t))).toEqual(DECLS);
  });

  it.each([
    {
      what: 'invalid JSON',
      file: 'personalities/valid.json',
      edit: (t: string) => t.slice(0, 20),
      error: /personalities\/valid\.json: not valid JSON/,
    },
    {
      what: 'an unknown field',
      file: 'personalities/expired.json',
      edit: (t: string) => t.replace('{', '{ "colour": "blue",'),
      error: /personalities\/expired\.json: unknown field\(s\) colour/,
    },
    {
      what: 'a bad key',
      file: 'personalities/sha1.json',
      edit: (t: string) => t.replace('"ec-p256"', '"ec-p384"'),
      error: /personalities\/sha1\.json: "key" must be "ec-p256" or "rsa-2048"/,
    },
    {
      what: 'a bad hash',
      file: 'personalities/no-san.json',
      edit: (t: string) => t.replace('"SHA-256"', '"MD5"'),
      error: /personalities\/no-san\.json: "hash" must be/,
    },
    {
      what: 'reversed validDays',
      file: 'personalities/valid.json',
      edit: (t: string) => t.replace('[-1, 365]', '[365, -1]'),
      error: /personalities\/valid\.json: "validDays" must be \[fromDays, toDays\]/,
    },
    {
      what: 'a bad SAN',
      file: 'personalities/valid.json',
      edit: (t: string) => t.replace('"dns:localhost"', '"localhost"'),
      error: /personalities\/valid\.json: "san" must be/,
    },
    {
      what: 'an unknown issuer',
      file: 'personalities/wrong-host.json',
      edit: (t: string) => t.replace('"intermediate"', '"nobody"'),
      error: /wrong-host: unknown issuer "nobody"/,
    },
  ])('issue 3 §1: a declaration with $what → an error naming the file and the fault', ({ file, edit, error }) => {
    expect(() => loadDeclarations(brokenCopy(file, edit))).toThrow(error);
  });
});
