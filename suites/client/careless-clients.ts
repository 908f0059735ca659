/**
 * Test support: shell clients (curl in a loop) that retry the way careless and careful programs
 * do, for the retry cases of the client matrix and for `pmm-auth-check scenarios`. Each ignores
 * REPEAT: its loop is its own. A short pause between attempts keeps a runaway loop cheap.
 */
import { shellClient } from './run-check.ts';

const version = (name: string): string => `[ "$1" = --version ] && { echo "${name} 1"; exit 0; }`;
/** One curl request, Bearer key, trusting the CA the case gives: the status into $code. */
const get = `code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$PMM_CA_FILE" -H "Authorization: Bearer $PMM_API_KEY" "$PMM_URL")`;
const report = `printf '{"status":%s,"body":""}\\n' "$code"`;

/** Retries a 5xx up to `n` times (a huge `n`: without bound), then reports; stops at any other answer. */
export const retries5xx = (dir: string, name: string, n: number): string =>
  shellClient(
    dir,
    name,
    `${version(name)}\ni=0\nwhile :; do ${get}; case $code in 5??) [ $i -ge ${n} ] && break; i=$((i+1)); sleep 0.05 ;; *) break ;; esac; done\n${report}`,
  );

/** Sends the request again and again whatever the answer (a 401 too): the harness has to stop it. */
export const loopsForever = (dir: string, name: string): string =>
  shellClient(dir, name, `${version(name)}\nwhile :; do ${get}; sleep 0.05; done`);

/**
 * Sends the protocol's request (METHOD, BODY) again after any answer but a 2xx, up to `n` times: it
 * re-sends a POST after a 500 and retries a 4xx, which the built-ins' loop never does (PROTOCOL.md).
 */
export const retriesAnyError = (dir: string, name: string, n: number): string =>
  shellClient(
    dir,
    name,
    [
      version(name),
      `[ "$METHOD" = POST ] && set -- -X POST -H 'Content-Type: application/json' --data-binary "$BODY"`,
      `i=0\nwhile :; do code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$PMM_CA_FILE" -H "Authorization: Bearer $PMM_API_KEY" "$@" "$PMM_URL")`,
      `case $code in 2??) break ;; esac; [ $i -ge ${n} ] && break; i=$((i+1)); done`,
      report,
    ].join('\n'),
  );
