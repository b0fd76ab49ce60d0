import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startServer } from '../helpers/server';
import { ADMIN_KEY, makeApp } from '../helpers/app';

// Under Node the body is read straight from node:http (src/middleware/body-limit.ts); through
// app.request() it goes through Hono's bodyLimit. Both must answer every body alike.
function send(port: number, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    // Without content-length node:http sends the body chunked.
    if (headers['content-length'] === undefined) for (let i = 0; i < body.length; i += 16_384) req.write(body.subarray(i, i + 16_384));
    else req.write(body);
    req.end();
  });
}

describe('request bodies on Node and through app.request()', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  let port = 0;
  beforeAll(async () => {
    s = await startServer();
    port = Number(new URL(s.base).port);
  });
  afterAll(async () => s.stop());

  const program = (name: string) => JSON.stringify({ name, currency: 'EUR', defaultUrl: 'https://a.test/', allowedHosts: ['a.test'] });
  const cases: [string, Buffer, boolean][] = [
    ['plain JSON', Buffer.from(program('plain')), true],
    ['JSON after a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(program('bom'))]), true],
    ['unicode name', Buffer.from(program('Zoë — ünïcode ✓')), true],
    ['invalid UTF-8 inside a string', Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('","currency":"EUR","defaultUrl":"https://a.test/","allowedHosts":["a.test"]}')]), true],
    ['empty body', Buffer.alloc(0), true],
    ['invalid JSON', Buffer.from('{"name":'), true],
    ['over 64 KiB', Buffer.from(JSON.stringify({ name: 'x'.repeat(70_000) })), true],
    ['over 64 KiB, chunked (no content-length)', Buffer.from(JSON.stringify({ name: 'x'.repeat(70_000) })), false],
    ['1 MB, chunked', Buffer.from(JSON.stringify({ name: 'y'.repeat(1_000_000) })), false],
  ];
  for (const [name, body, withLength] of cases) {
    it(`${name}: same status and body`, async () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (withLength) headers['content-length'] = String(body.length);
      const node = await send(port, '/v1/programs', body, headers);
      const viaApp = await s.app.request('/v1/programs', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: new Uint8Array(body) });
      const appBody = (await viaApp.json()) as any;
      expect(node.status).toBe(viaApp.status);
      const strip = (b: any) => JSON.parse(JSON.stringify(b, (k, v) => (['id', 'requestId', 'createdAt', 'updatedAt'].includes(k) ? undefined : v)));
      expect(strip(node.body)).toEqual(strip(appBody));
      if (name.startsWith('over') || name.startsWith('1 MB')) expect(node.body.error.code).toBe('payload_too_large');
    });
  }
});

describe('a request body cut off before its end (the client went away)', () => {
  it('is a 400 bad_request, not an unhandled error and a 500', async () => {
    const t = await makeApp();
    // What node:http hands the app when the client disconnects mid-body: 'error' ("aborted"), no 'end'.
    const incoming = {
      headers: { 'content-length': '100', 'content-type': 'application/json' },
      readableEnded: false,
      on(event: string, listener: (arg?: unknown) => void) {
        if (event === 'data') setTimeout(() => listener(Buffer.from('{"na')));
        if (event === 'error') setTimeout(() => listener(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 1);
        return this;
      },
    };
    const res = await t.app.request(
      '/v1/programs',
      { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: '{"na' },
      { incoming },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'bad_request', reason: 'incomplete_body', message: expect.any(String), requestId: expect.any(String) } });
    expect((await t.json('GET', '/v1/programs')).body.data).toEqual([]);
  });
});

describe('a request body stream that fails mid-way (app.request / Workers)', () => {
  const failingBody = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"na'));
        setTimeout(() => controller.error(new Error('network connection lost')), 1);
      },
    });
  for (const contentType of ['application/json', 'text/plain']) {
    it(`with content-type ${contentType}: a 400 incomplete_body and no write`, async () => {
      const t = await makeApp();
      const res = await t.app.request('/v1/programs', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': contentType },
        body: failingBody(),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'bad_request', reason: 'incomplete_body', message: expect.any(String), requestId: expect.any(String) } });
      expect((await t.json('GET', '/v1/programs')).body.data).toEqual([]);
    });
  }
});
