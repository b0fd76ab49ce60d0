import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server';
import { ADMIN_KEY } from '../helpers/app';

/** One raw HTTP/1.1 exchange (node:http's client would refuse to send these requests). */
function rawRequest(port: number, head: string) {
  return rawExchange(port, `${head}\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nConnection: close\r\n\r\n`);
}

function rawExchange(port: number, text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => {
      const [headers, ...rest] = out.split('\r\n\r\n');
      const chunked = /transfer-encoding: chunked/i.test(headers!);
      const body = rest.join('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers!)?.[1]), headers: headers!, body: chunked ? body.replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$|^0\r\n\r\n$/, '') : body });
    });
    socket.end(text);
  });
}

// Requests @hono/node-server cannot build a fetch Request from never reach the app; they were an
// empty text/plain 400, not the one error shape every /v1 answer has.
describe('Node: requests the adapter refuses get the JSON error shape', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  let port = 0;
  beforeAll(async () => {
    s = await startServer();
    port = Number(new URL(s.base).port);
  });
  afterAll(async () => s.stop());

  const cases: [string, string][] = [
    ['a backslash in the path', 'GET /v1/programs\\x HTTP/1.1\r\nHost: 127.0.0.1'],
    ['a Host header with a space', 'GET /v1/programs HTTP/1.1\r\nHost: a b'],
    ['a Host header with user-info', 'GET /v1/programs HTTP/1.1\r\nHost: evil.test@a'],
    ['an unclosed IPv6 Host', 'GET /v1/programs HTTP/1.1\r\nHost: [::1'],
  ];
  for (const [name, head] of cases) {
    it(`${name}: 400 bad_request`, async () => {
      const res = await rawRequest(port, head);
      expect(res.status, res.headers).toBe(400);
      expect(res.headers).toMatch(/content-type: application\/json/i);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'bad_request', message: expect.any(String), requestId: expect.any(String) } });
    });
  }

  it('a well-formed request is still served by the app', async () => {
    const res = await rawRequest(port, 'GET /v1/programs HTTP/1.1\r\nHost: 127.0.0.1');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ data: [], nextCursor: null });
  });
});

// What node:http's own parser refuses never reaches the adapter: its default answer was an empty 400.
describe("Node: requests node:http's parser refuses get the JSON error shape", () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  let port = 0;
  beforeAll(async () => {
    s = await startServer();
    port = Number(new URL(s.base).port);
  });
  afterAll(async () => s.stop());

  const auth = `Authorization: Bearer ${ADMIN_KEY}\r\n`;
  const cases: [string, string, number, string][] = [
    ['two different Content-Lengths', `POST /v1/programs HTTP/1.1\r\nHost: a\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400, 'malformed_request'],
    ['a chunk size that is not hex', `POST /v1/programs HTTP/1.1\r\nHost: a\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 400, 'malformed_request'],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400, 'malformed_request'],
    ['headers over 16 KiB', `GET /v1/programs HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
  ];
  for (const [name, text, status, reason] of cases) {
    it(`${name}: ${status} in the error shape, no write`, async () => {
      const res = await rawExchange(port, text);
      expect(res.status, res.headers).toBe(status);
      expect(res.headers).toMatch(/content-type: application\/json/i);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'bad_request', reason, message: expect.any(String), requestId: expect.any(String) } });
      const list = await s.app.request('/v1/programs', { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
    });
  }
});
