/**
 * Go: src/encoding/base64/base64.go StdEncoding.DecodeString — the standard alphabet with `=`
 * padding required; `\r` and `\n` are skipped; anything else invalid is an error (undefined here;
 * Node's own decoder is lenient).
 */
const STD = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeStdBase64(s: string): Buffer | undefined {
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !STD.test(clean)) return undefined;
  return Buffer.from(clean, 'base64');
}
