/**
 * Issue 2 §9: bad input never crashes the mock or yields an unexplained 500, and the mock keeps
 * serving after each case. Raw bytes go through node:tls where supertest cannot send them.
 */
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, basic, startTestMock, type TestMock } from './testing/harness.ts';

const MIB = 1024 * 1024;
const TOO_LARGE_HEADER = '<title>400 Request Header Or Cookie Too Large</title>';
const TOO_LARGE_BODY = '<title>413 Request Entity Too Large</title>';

let t: TestMock;

/**
 * Writes raw bytes over TLS; returns what the server sent until it closed, or until one complete
 * response arrived. With `more`, keeps writing it every few milliseconds (up to 40 times) while the
 * server's answer comes: a client still sending when the server has answered.
 */
function rawTls(payload: string | Buffer, more?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(
      { host: '127.0.0.1', port: t.mock.httpsPort, ca: t.mock.certificate.certPem, servername: 'localhost' },
      () => {
        socket.write(payload);
        if (more === undefined) return;
        let left = 40;
        const timer = setInterval(() => {
          if (--left < 0 || !socket.writable) return clearInterval(timer);
          socket.write(more);
        }, 3);
        socket.once('close', () => clearInterval(timer));
      },
    );
    const done = (): void => resolve(Buffer.concat(chunks).toString('latin1'));
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      // A complete response to a keep-alive request: stop reading (the server would keep the connection open).
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, head));
      if (head >= 0 && length && text.length >= head + 4 + Number(length[1])) socket.end();
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (e) => (chunks.length > 0 ? done() : reject(e)));
  });
}

/** One HTTPS request with a body written as given (Content-Length or chunked), trusting the mock's certificate. */
function send(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  chunks: Buffer[];
}): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: t.mock.httpsPort,
        method: opts.method ?? 'POST',
        path: opts.path,
        headers: opts.headers ?? {},
        ca: t.mock.certificate.certPem,
        servername: 'localhost',
        agent: false,
      },
      (res) => {
        const body: Buffer[] = [];
        res.on('data', (d: Buffer) => body.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(body).toString('utf8'), headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before the whole body is written; the response is what counts.
    req.on('error', reject);
    for (const c of opts.chunks) req.write(c);
    req.end();
  });
}

beforeAll(async () => {
  t = await startTestMock();
});
afterAll(() => t.close());
afterEach(async () => {
  // issue 2 §9: the mock keeps serving after every case.
  const res = await t.https().get('/v1/readyz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({});
});

describe('headers (pmm-auth §1.1: large_client_header_buffers 128 64k)', () => {
  it.each([
    { name: 'X-Big', value: 'a'.repeat(64 * 1024) },
    { name: 'Cookie', value: `session=${'c'.repeat(70 * 1024)}` },
    { name: 'Authorization', value: `Bearer ${'A'.repeat(100 * 1024)}` },
  ])(
    'pmm-auth §1.1: a $name header line over 64 KiB → 400 nginx page "Request Header Or Cookie Too Large"',
    async ({ name, value }) => {
      const res = await t.https().get('/v1/version').set(name, value);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain(TOO_LARGE_HEADER);
      expect(res.text).toContain('<center>nginx</center>');
    },
  );

  it('pmm-auth §1.1: a 60 KiB header line fits in one buffer and is accepted', async () => {
    const res = await t
      .https()
      .get('/v1/readyz')
      .set('X-Big', 'a'.repeat(60 * 1024));
    expect(res.status).toBe(200);
  });

  // Header lines under 64 KiB each, together over 1 MiB (the request's end is left to each case).
  const fill = `X-Fill: ${'f'.repeat(60 * 1024)}\r\n`;
  const overOneMiB = `GET /v1/readyz HTTP/1.1\r\nHost: localhost\r\n${fill.repeat(Math.ceil((MIB + 64 * 1024) / fill.length))}`;

  it('issue 2 §9: headers over 1 MiB in total (each line under 64 KiB) → 400 from the raw socket', async () => {
    const response = await rawTls(`${overOneMiB}\r\n`);
    expect(response.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(response).toContain(TOO_LARGE_HEADER);
  });

  it('issue 2 §9: a client still sending header lines after that 400 gets the whole 400, once', async () => {
    const response = await rawTls(overOneMiB, fill);
    expect(response.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(response).toContain(TOO_LARGE_HEADER);
    expect(response.split('HTTP/1.1 ').length - 1).toBe(1);
  });
});

describe('Authorization garbage (grafana-auth §3.1, grafana-auth §3.2, grafana-auth §6.1)', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  it.each([
    { what: 'Basic with invalid base64', header: 'Basic !!!not-base64!!!', grafana: 'Invalid Basic Auth Header' },
    { what: 'Basic without a colon', header: `Basic ${b64('no-colon-here')}`, grafana: 'Invalid Basic Auth Header' },
    { what: 'an unknown scheme', header: 'Digest username="admin"', grafana: 'Invalid Basic Auth Header' },
    { what: 'lower-case bearer', header: 'bearer abc', grafana: 'Invalid Basic Auth Header' },
    { what: 'Bearer with invalid base64', header: 'Bearer %%%not-base64%%%', grafana: 'invalid Service Token/API key' },
    {
      what: 'Bearer with base64 of non-JSON',
      header: `Bearer ${b64('not json at all')}`,
      grafana: 'invalid Service Token/API key',
    },
    {
      what: 'Bearer with base64 of a JSON array',
      header: `Bearer ${b64('[1,2,3]')}`,
      grafana: 'invalid Service Token/API key',
    },
    {
      what: 'Bearer with wrong field types',
      header: `Bearer ${b64('{"k":1,"n":2,"id":"x"}')}`,
      grafana: 'invalid Service Token/API key',
    },
    {
      what: 'Basic api_key with garbage',
      header: `Basic ${b64('api_key:garbage')}`,
      grafana: 'invalid Service Token/API key',
    },
    {
      what: 'Bearer with bytes 0x80-0xff',
      header: 'Bearer \u00ff\u00fe\u0080',
      grafana: 'invalid Service Token/API key',
    },
  ])(
    'grafana-auth §3.1: $what → 401 on /graph/api/user and 401 code 16 on /v1/version',
    async ({ header, grafana }) => {
      const g = await t.https().get('/graph/api/user').set('Authorization', header);
      expect(g.status).toBe(401);
      expect(g.body).toEqual({ message: grafana, traceID: '' });
      const p = await t.https().get('/v1/version').set('Authorization', header);
      expect(p.status).toBe(401);
      expect(p.body).toEqual({ code: 16, error: grafana, message: grafana });
    },
  );

  it('grafana-auth §3.2: a malformed glsa_ token is the one documented 500 {"message":"invalid Service Token/API key"}', async () => {
    const res = await t.https().get('/graph/api/user').set('Authorization', 'Bearer glsa_short_bad');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'invalid Service Token/API key', traceID: '' });
  });
});

describe('POST /graph/api/auth/keys bodies (grafana-auth §1.2: bind errors)', () => {
  const valid = '{"name":"bind-test","role":"Viewer"}';
  it.each([
    { what: 'non-JSON', type: 'application/json', body: 'name=k&role=Viewer' },
    { what: 'truncated JSON', type: 'application/json', body: '{"name":"k","role":' },
    { what: 'a JSON array', type: 'application/json', body: '[{"name":"k","role":"Viewer"}]' },
    { what: 'a JSON string', type: 'application/json', body: '"k"' },
    { what: 'invalid UTF-8', type: 'application/json', body: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]) },
    { what: 'text/plain', type: 'text/plain', body: valid },
    { what: 'form-urlencoded', type: 'application/x-www-form-urlencoded', body: valid },
    { what: 'multipart', type: 'multipart/form-data; boundary=xyz', body: valid },
    { what: 'a garbage content type', type: ';;;', body: valid },
    { what: 'no content type', type: undefined, body: valid },
  ])('grafana-auth §1.2: $what → 400 {"message":"bad request data","traceID":""}', async ({ type, body }) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const res = await send({
      path: '/graph/api/auth/keys',
      headers: {
        Authorization: ADMIN_AUTH,
        'Content-Length': buf.length,
        ...(type === undefined ? {} : { 'Content-Type': type }),
      },
      chunks: [buf],
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ message: 'bad request data', traceID: '' });
  });
});

describe('body size (pmm-auth §1.1: client_max_body_size 10m)', () => {
  const oneMiB = Buffer.alloc(MIB, 0x20);
  it.each([
    { path: '/graph/api/auth/keys', auth: undefined },
    { path: '/v1/Settings/Get', auth: undefined },
    { path: '/graph/api/auth/keys', auth: ADMIN_AUTH },
  ])(
    'pmm-auth §1.1: a body over 10 MiB with Content-Length on $path → 413 nginx page before auth (auth: $auth)',
    async ({ path, auth }) => {
      const res = await send({
        path,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': 10 * MIB + 1,
          ...(auth ? { Authorization: auth } : {}),
        },
        chunks: [...Array.from({ length: 10 }, () => oneMiB), Buffer.from(' ')],
      });
      expect(res.status).toBe(413);
      expect(res.text).toContain(TOO_LARGE_BODY);
      expect(res.text).toContain('<center>nginx</center>');
    },
  );

  it('pmm-auth §1.1: a chunked body over 10 MiB → 413 nginx page', async () => {
    const res = await send({
      path: '/graph/api/auth/keys',
      headers: { Authorization: ADMIN_AUTH, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      chunks: Array.from({ length: 11 }, () => oneMiB),
    });
    expect(res.status).toBe(413);
    expect(res.text).toContain(TOO_LARGE_BODY);
  });

  it.each([{ framing: 'Content-Length' }, { framing: 'chunked' }])(
    'pmm-auth §1.1: a body of exactly 10 MiB ($framing) is not 413 and binds',
    async ({ framing }) => {
      const name = `ten-mib-${framing}`;
      const json = Buffer.from(`{"name":"${name}","role":"Viewer"}`);
      const body = Buffer.concat([json, Buffer.alloc(10 * MIB - json.length, 0x20)]);
      expect(body.length).toBe(10 * MIB);
      const framingHeader: Record<string, string | number> =
        framing === 'chunked' ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': body.length };
      const res = await send({
        path: '/graph/api/auth/keys',
        headers: { Authorization: ADMIN_AUTH, 'Content-Type': 'application/json', ...framingHeader },
        chunks: [body],
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({ name });
    },
  );
});

describe('DELETE /graph/api/auth/keys/:id (grafana-auth §1.6)', () => {
  it.each([
    { id: 'abc', status: 400, message: 'id is invalid' },
    { id: '1.5', status: 400, message: 'id is invalid' },
    { id: '0x10', status: 400, message: 'id is invalid' },
    { id: '1e3', status: 400, message: 'id is invalid' },
    { id: '%20', status: 400, message: 'id is invalid' },
    { id: '9223372036854775808', status: 400, message: 'id is invalid' },
    { id: '-9223372036854775809', status: 400, message: 'id is invalid' },
    { id: '99999999999999999999999999', status: 400, message: 'id is invalid' },
    { id: '9223372036854775807', status: 404, message: 'Failed to delete API key' },
    { id: '-1', status: 404, message: 'Failed to delete API key' },
    { id: '0', status: 404, message: 'Failed to delete API key' },
    { id: '424242', status: 404, message: 'Failed to delete API key' },
  ])('grafana-auth §1.6: DELETE id $id → $status "$message"', async ({ id, status, message }) => {
    const res = await t.https().delete(`/graph/api/auth/keys/${id}`).set('Authorization', ADMIN_AUTH);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ message, traceID: '' });
  });
});

describe('raw request lines over TLS (issue 2 §9)', () => {
  it.each([
    { what: 'a garbage request line', bytes: 'GARBAGE\r\n\r\n' },
    { what: 'a method without a target', bytes: 'GET\r\n\r\n' },
    {
      what: 'a header line without a colon',
      bytes: 'GET /v1/readyz HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n',
    },
    { what: 'binary bytes', bytes: Buffer.from([0x00, 0x01, 0x02, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]) },
    {
      what: 'a bad Content-Length',
      bytes: 'POST /v1/readyz HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n',
    },
    { what: 'an HTTP/1.1 request without Host', bytes: 'GET /v1/readyz HTTP/1.1\r\n\r\n' },
  ])('issue 2 §9: $what → 400 and the mock keeps serving', async ({ bytes }) => {
    const response = await rawTls(bytes);
    expect(response.startsWith('HTTP/1.1 400 ')).toBe(true);
  });

  it('issue 2 §9: a valid raw request on the same kind of connection is 200 (control case)', async () => {
    const response = await rawTls('GET /v1/readyz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(response.startsWith('HTTP/1.1 200 ')).toBe(true);
  });

  it('issue 2 §9: a basic header on the API with a user login still works after all the garbage', async () => {
    const res = await t.https().get('/graph/api/user').set('Authorization', basic('viewer', 'viewer-pw'));
    expect(res.status).toBe(200);
    expect(res.body.login).toBe('viewer');
  });
});
