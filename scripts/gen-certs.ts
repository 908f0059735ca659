/**
 * `npm run gen-certs [-- --force] [--cert-dir DIR]`: generates (or reuses) every certificate the
 * mock serves — the test CAs and the certificate personalities, and the two main-listener styles.
 * The mock runs the same generation lazily at start.
 */
import { parseArgs } from 'node:util';
import { CERT_STYLES, DEFAULT_CERT_DIR, ensureCertificate } from '../mock/tls/certs.ts';
import { ensurePersonalities } from '../mock/tls/personalities.ts';

let values;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      force: { type: 'boolean', default: false },
      'cert-dir': { type: 'string', default: DEFAULT_CERT_DIR },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  process.stderr.write(`gen-certs: ${(e as Error).message.split('\n')[0]} (see --help)\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(
    "Usage: gen-certs [--force] [--cert-dir DIR]\n  Generates the test CAs, the certificate personalities and the mock's own certificates;\n  reuses them while valid unless --force.\n",
  );
  process.exit(0);
}

try {
  const started = Date.now();
  const set = await ensurePersonalities(values['cert-dir'], { force: values.force });
  for (const style of CERT_STYLES) await ensureCertificate(values['cert-dir'], style, Date.now(), values.force);
  const verb = set.generated ? 'generated' : 'reused';
  process.stdout.write(
    `gen-certs: ${verb} ${set.personalities.size} personalities in ${set.dir} (${Date.now() - started} ms)\n`,
  );
  process.stdout.write(`gen-certs: test root CA (trust this for "valid"): ${set.rootCaFile}\n`);
} catch (e) {
  process.stderr.write(`gen-certs: ${(e as Error).message}\n`);
  process.exit(1);
}
