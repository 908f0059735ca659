/**
 * The certificate the target serves (pmm-auth §1.5; clients-and-tls §1), OBSERVED and reported:
 * subject, issuer, self-signed or not, SANs, validity. PMM's own generated certificate is
 * self-signed, X.509 v1 and has no SAN, so on a real PMM srv.tls.003 reports a deviation rather
 * than failing. Connects with node:tls using the target's TLS settings (as http.ts does).
 */
import { isIP } from 'node:net';
import tls, { type DetailedPeerCertificate } from 'node:tls';
import { expect } from 'vitest';
import { area, kase } from '../_support/case.ts';
import { PROFILES } from '../_support/profile.ts';
import type { Target } from '../_support/target.ts';

interface Handshake {
  readonly cert: DetailedPeerCertificate;
  readonly authorized: boolean;
  readonly authorizationError: string | null;
  readonly protocol: string | null;
}

const hostOf = (t: Target): string => new URL(t.baseUrl).hostname.replace(/^\[|\]$/g, '');

function handshake(t: Target): Promise<Handshake> {
  const url = new URL(t.baseUrl);
  const host = hostOf(t);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      // SNI only for names (RFC 6066 forbids IP literals).
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: !t.insecure,
      ...(t.ca ? { ca: t.ca } : {}),
      timeout: 15_000,
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(true);
      const result: Handshake = {
        cert,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
        protocol: socket.getProtocol(),
      };
      socket.end();
      resolve(result);
    });
    socket.once('timeout', () =>
      socket.destroy(new Error(`no TLS handshake with ${host}:${url.port || 443} within 15 s`)),
    );
    socket.once('error', reject);
  });
}

let cached: Promise<Handshake> | undefined;
const peer = (t: Target): Promise<Handshake> => (cached ??= handshake(t));

const dn = (name: Partial<Record<string, string | string[]>> | undefined): string =>
  name === undefined
    ? '(none)'
    : Object.entries(name)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : (v ?? '')}`)
        .join(', ') || '(empty)';

const selfSigned = (c: DetailedPeerCertificate): boolean => JSON.stringify(c.subject) === JSON.stringify(c.issuer);

const TLS_REF = 'pmm-auth §1.5; clients-and-tls §1';
const TLS_SOURCE =
  'percona/pmm update/ansible/playbook/tasks/roles/nginx/files/ssl/generate-ssl-certificate, certificate.conf (2.x); build/ansible/roles/nginx/files/ssl/ (3.x)';

area('tls: the certificate the target serves', () => {
  kase(
    {
      id: 'srv.tls.001',
      level: 'OBSERVED',
      sends: "a TLS handshake with the target host and port (the target's CA / insecure settings)",
      expects: 'a certificate is received; its subject, issuer, self-signed or not, SANs and validity are reported',
      ref: TLS_REF,
      source: TLS_SOURCE,
      profiles: PROFILES,
    },
    async (t, ctx) => {
      const h = await peer(t);
      expect(Object.keys(h.cert).length, 'expected the server to present a certificate').toBeGreaterThan(0);
      const c = h.cert;
      await ctx.annotate(`subject: ${dn(c.subject)}`);
      await ctx.annotate(`issuer: ${dn(c.issuer)}`);
      await ctx.annotate(`self-signed (issuer == subject): ${selfSigned(c) ? 'yes' : 'no'}`);
      await ctx.annotate(`SANs: ${c.subjectaltname ?? '(none)'}`);
      await ctx.annotate(`valid from ${c.valid_from} to ${c.valid_to}`);
      await ctx.annotate(`key: ${c.bits ?? '?'} bits; serial ${c.serialNumber}; sha256 ${c.fingerprint256}`);
      await ctx.annotate(
        `protocol ${h.protocol ?? '?'}; verified by the suite's TLS settings: ${h.authorized ? 'yes' : `no (${h.authorizationError ?? 'insecure'})`}`,
      );
    },
  );

  kase(
    {
      id: 'srv.tls.002',
      level: 'OBSERVED',
      sends: 'a TLS handshake with the target',
      expects: 'the certificate is currently valid (valid_from ≤ now ≤ valid_to)',
      ref: TLS_REF,
      source: TLS_SOURCE,
      profiles: PROFILES,
    },
    async (t) => {
      const { cert } = await peer(t);
      const from = Date.parse(cert.valid_from);
      const to = Date.parse(cert.valid_to);
      const now = Date.now();
      expect(
        Number.isFinite(from) && Number.isFinite(to),
        `expected parseable validity dates; got "${cert.valid_from}" … "${cert.valid_to}"`,
      ).toBe(true);
      expect(
        from <= now,
        `expected valid_from ${cert.valid_from} ≤ now ${new Date(now).toISOString()} (not yet valid)`,
      ).toBe(true);
      expect(now <= to, `expected now ${new Date(now).toISOString()} ≤ valid_to ${cert.valid_to} (expired)`).toBe(true);
    },
  );

  kase(
    {
      id: 'srv.tls.003',
      level: 'OBSERVED',
      sends: 'a TLS handshake with the target',
      expects:
        "the certificate carries a SAN that matches the host of the target URL (PMM's own self-signed certificate has none)",
      ref: 'pmm-auth §1.5, pmm-auth §6 item 5; clients-and-tls §1 (no-san)',
      source: `${TLS_SOURCE}; percona/percona-everest-backend#209`,
      profiles: PROFILES,
    },
    async (t) => {
      const { cert } = await peer(t);
      const host = hostOf(t);
      expect(
        cert.subjectaltname ?? '',
        `expected a subjectAltName extension; the certificate has none (subject ${dn(cert.subject)})`,
      ).not.toBe('');
      // SANs only: hide the subject so that Node does not fall back to the CN.
      const err = tls.checkServerIdentity(host, { ...cert, subject: {} as DetailedPeerCertificate['subject'] });
      expect(err?.message, `expected a SAN matching ${host}; SANs: ${cert.subjectaltname}`).toBeUndefined();
    },
  );
});
