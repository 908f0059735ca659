/**
 * Certificates (issue 2 §6, pmm-auth §1.5): generation, reuse and renewal, the PMM-shaped style,
 * user-supplied pairs, and what TLS clients (Node, the real curl binary) make of them.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { MockOptions } from '../options.ts';
import { startTestMock, type TestMock } from '../testing/harness.ts';
import { ensureCertificate, loadCertificatePair } from './certs.ts';
import { run } from '../testing/run.ts';

const DAY_MS = 24 * 3600 * 1000;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmm-auth-certs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function mockWith(tls: MockOptions['tls']): Promise<TestMock> {
  const t = await startTestMock({ tls });
  cleanups.push(() => t.close());
  return t;
}

async function opensslText(certFile: string): Promise<string> {
  const r = await run('openssl', ['x509', '-noout', '-text', '-in', certFile]);
  expect(r.code).toBe(0);
  return r.stdout;
}

function selfSigned(x: X509Certificate): boolean {
  return x.subject === x.issuer && x.checkIssued(x) && x.verify(x.publicKey);
}

/** GET /v1/readyz over HTTPS trusting only `ca`; resolves the status or rejects with the TLS error. */
function getReadyz(t: TestMock, ca: string, servername?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: t.mock.httpsPort,
        path: '/v1/readyz',
        ca,
        agent: false,
        ...(servername ? { servername } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function peerCertificate(t: TestMock): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: t.mock.httpsPort, rejectUnauthorized: false, servername: 'localhost' },
      () => {
        const cert = socket.getPeerCertificate();
        socket.end();
        resolve(cert);
      },
    );
    socket.on('error', reject);
  });
}

describe('ensureCertificate, style mock (issue 2 §6)', () => {
  it('issue 2 §6: the generated certificate is self-signed, sha256, with SANs localhost, 127.0.0.1, ::1', async () => {
    const dir = tempDir();
    const pair = await ensureCertificate(dir, 'mock');
    expect(pair.certFile).toBe(join(dir, 'mock-self-signed.crt'));
    expect(readFileSync(pair.certFile, 'utf8')).toBe(pair.certPem);
    const x = new X509Certificate(pair.certPem);
    expect(selfSigned(x)).toBe(true);
    // Node prints ::1 expanded.
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(await opensslText(pair.certFile)).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
  });

  it('issue 2 §6: a second call reuses the certificate from the directory (same PEM)', async () => {
    const dir = tempDir();
    const first = await ensureCertificate(dir, 'mock');
    const second = await ensureCertificate(dir, 'mock');
    expect(second.certPem).toBe(first.certPem);
    expect(second.keyPem).toBe(first.keyPem);
  });

  it.each([
    { days: 350, regenerated: false },
    { days: 360, regenerated: true },
  ])(
    'issue 2 §6: called $days days later (expiry within 7 days: $regenerated) → regenerated: $regenerated',
    async ({ days, regenerated }) => {
      const dir = tempDir();
      const now = Date.now();
      const first = await ensureCertificate(dir, 'mock', now);
      const later = await ensureCertificate(dir, 'mock', now + days * DAY_MS);
      expect(later.certPem !== first.certPem).toBe(regenerated);
      expect(later.notAfter.getTime() - (now + days * DAY_MS)).toBeGreaterThan(7 * DAY_MS);
      expect(readFileSync(later.certFile, 'utf8')).toBe(later.certPem);
    },
  );
});

describe('ensureCertificate, style pmm (pmm-auth §1.5)', () => {
  it('pmm-auth §1.5: style pmm is self-signed RSA 2048, sha256, subject O=Main Org., no subjectAltName', async () => {
    const dir = tempDir();
    const pair = await ensureCertificate(dir, 'pmm');
    const x = new X509Certificate(pair.certPem);
    expect(x.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x.subject).toBe('O=Main Org.');
    expect(x.subjectAltName).toBeUndefined();
    expect(selfSigned(x)).toBe(true);
    const text = await opensslText(pair.certFile);
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).not.toContain('Subject Alternative Name');
    // pmm-auth §1.5: `openssl req -x509 -days 365`.
    expect(Math.round((Date.parse(x.validTo) - Date.parse(x.validFrom)) / DAY_MS)).toBe(365);
  });
});

describe('loadCertificatePair errors (issue 2 §6: --cert/--key)', () => {
  it.each([
    {
      what: 'a missing certificate file',
      cert: 'missing.crt',
      key: 'mock.key',
      error: /^cannot read certificate .*missing\.crt: ENOENT$/,
    },
    {
      what: 'a missing key file',
      cert: 'mock.crt',
      key: 'missing.key',
      error: /^cannot read private key .*missing\.key: ENOENT$/,
    },
    {
      what: 'a file that is not a certificate',
      cert: 'text.txt',
      key: 'mock.key',
      error: /text\.txt is not a PEM or DER X\.509 certificate$/,
    },
    {
      what: 'a private key given as the certificate',
      cert: 'mock.key',
      key: 'mock.key',
      error: /mock\.key is not a PEM or DER X\.509 certificate$/,
    },
    {
      what: 'a key file that is not a key',
      cert: 'mock.crt',
      key: 'text.txt',
      error: /text\.txt is not an unencrypted PEM private key$/,
    },
    {
      what: 'a key that does not match',
      cert: 'mock.crt',
      key: 'pmm.key',
      error: /pmm\.key is not the private key of .*mock\.crt$/,
    },
  ])('issue 2 §6: $what → a clear error', async ({ cert, key, error }) => {
    const dir = tempDir();
    const mock = await ensureCertificate(join(dir, 'gen'), 'mock');
    const pmm = await ensureCertificate(join(dir, 'gen'), 'pmm');
    writeFileSync(join(dir, 'mock.crt'), mock.certPem);
    writeFileSync(join(dir, 'mock.key'), mock.keyPem);
    writeFileSync(join(dir, 'pmm.key'), pmm.keyPem);
    writeFileSync(join(dir, 'text.txt'), 'hello, not a certificate\n');
    expect(() => loadCertificatePair(join(dir, cert), join(dir, key))).toThrow(error);
  });
});

describe('over TLS (issue 2 §6, pmm-auth §1.5)', () => {
  it.each([
    { name: '127.0.0.1', servername: undefined },
    { name: 'localhost', servername: 'localhost' },
  ])(
    'issue 2 §6: a Node https request to the mock-style server for $name, trusting its certificate, succeeds',
    async ({ servername }) => {
      const t = await mockWith({ certDir: tempDir(), style: 'mock' });
      expect(await getReadyz(t, t.mock.certificate.certPem, servername)).toBe(200);
    },
  );

  it.each([
    { name: 'localhost', ok: true },
    { name: '127.0.0.1', ok: true },
    { name: '::1', ok: true },
    { name: 'pmm.example.com', ok: false },
    { name: '192.168.0.2', ok: false },
  ])('issue 2 §6: the served mock-style certificate is valid for $name: $ok', async ({ name, ok }) => {
    const t = await mockWith({ certDir: tempDir(), style: 'mock' });
    const result = checkServerIdentity(name, await peerCertificate(t));
    expect(result === undefined).toBe(ok);
  });

  it.each([
    { name: '127.0.0.1', servername: undefined },
    { name: 'localhost', servername: 'localhost' },
  ])(
    'pmm-auth §1.5: trusting the pmm-style certificate, a Node request for $name fails hostname verification (ERR_TLS_CERT_ALTNAME_INVALID)',
    async ({ servername }) => {
      const t = await mockWith({ certDir: tempDir(), style: 'pmm' });
      await expect(getReadyz(t, t.mock.certificate.certPem, servername)).rejects.toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      });
    },
  );

  it.each([
    { style: 'mock' as const, flag: '--cacert', exit: 0, status: '200' },
    { style: 'pmm' as const, flag: '--cacert', exit: 60, status: '000' },
    { style: 'pmm' as const, flag: '-k', exit: 0, status: '200' },
  ])(
    'pmm-auth §1.5: curl $flag https://127.0.0.1:PORT/v1/readyz against the $style-style certificate exits $exit (HTTP $status)',
    async ({ style, flag, exit, status }) => {
      const t = await mockWith({ certDir: tempDir(), style });
      const args = flag === '--cacert' ? ['--cacert', t.mock.certificate.certFile] : ['-k'];
      const r = await run('curl', [
        ...args,
        '-sS',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `https://127.0.0.1:${t.mock.httpsPort}/v1/readyz`,
      ]);
      expect(r.code).toBe(exit);
      expect(r.stdout).toBe(status);
    },
  );

  it('issue 2 §6: a mock started with tls {certFile, keyFile} serves exactly that certificate', async () => {
    const dir = tempDir();
    const certFile = join(dir, 'user.crt');
    const keyFile = join(dir, 'user.key');
    const made = await run('openssl', [
      'req',
      '-x509',
      '-nodes',
      '-newkey',
      'rsa:2048',
      '-days',
      '2',
      '-subj',
      '/CN=user-supplied',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
    expect(made.code).toBe(0);
    const t = await mockWith({ certFile, keyFile });
    expect(t.mock.certificate.certFile).toBe(certFile);
    const expected = new X509Certificate(readFileSync(certFile));
    const served = await peerCertificate(t);
    expect(served.fingerprint256).toBe(expected.fingerprint256);
    expect(await getReadyz(t, readFileSync(certFile, 'utf8'))).toBe(200);
  });
});
