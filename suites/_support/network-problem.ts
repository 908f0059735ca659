/**
 * A request to the target that got no answer at all — connection refused, host unresolved or
 * unreachable, certificate not accepted, no TLS session, no answer in time — put into words for the
 * one-line refusal of the target's detection (detect.ts).
 */
import type { Endpoint } from './http.ts';

const TLS_CERT_CODES =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH/;

/**
 * What to tell the user when a request could not be made at all: the cause and the variable that
 * fixes it. `caFile` is the PMM_SERVER_CA_FILE in effect, if any.
 */
export function networkProblem(t: Endpoint, path: string, e: Error, caFile?: string): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const where = new URL(t.baseUrl).host;
  // OpenSSL's errors are long and multi-line: keep the reason ("wrong version number").
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(e.message)?.[1] ?? e.message.split('\n', 1)[0]!.trim();
  const cause = `${reason}${code && !reason.includes(code) ? `, ${code}` : ''}`;
  if (code === 'ECONNREFUSED')
    return `cannot connect to ${where}: connection refused; check the host and port of PMM_SERVER_URL (PMM 2 serves HTTPS on 443, PMM 3 on 8443 in its container) and that PMM is running`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `cannot resolve the host of ${where} (${code}): check the host name in PMM_SERVER_URL`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT')
    return `cannot reach ${where} (${code}): check the host and port of PMM_SERVER_URL and the network between here and PMM`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the certificate of ${where} does not name that host (${cause}): name a host the certificate names in PMM_SERVER_URL, or set PMM_SERVER_INSECURE_TLS=1 to skip verification`;
  if (TLS_CERT_CODES.test(code))
    return caFile
      ? `the certificate of ${where} is not accepted with PMM_SERVER_CA_FILE=${caFile} (${cause}): name the CA that issued it, or set PMM_SERVER_INSECURE_TLS=1 (and unset PMM_SERVER_CA_FILE) to skip verification`
      : `the certificate of ${where} is not trusted (${cause}): set PMM_SERVER_CA_FILE=/path/to/ca.pem (the CA that issued it) or PMM_SERVER_INSECURE_TLS=1 (PMM's own self-signed certificate)`;
  if (code === 'EPROTO' || code === 'ECONNRESET' || /SSL|TLS/.test(code))
    return `no TLS session with ${where} (${cause}): is it PMM's HTTPS port? PMM 2 serves HTTPS on 443, PMM 3 on 8443 in its container (the suite talks HTTPS only)`;
  if (e.message.startsWith('no answer within'))
    return `${where} took the connection but sent no answer to GET ${path} within 15 s: check that PMM_SERVER_URL names PMM's HTTPS port and that PMM is up`;
  return `GET ${path} to ${where} failed (${cause}): check PMM_SERVER_URL`;
}
