import { createNodeRuntime, type NodeRuntimeOptions } from '../../src/node-runtime';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghij';

/** A real app on a fresh in-memory libSQL database, with a controllable clock. */
export async function makeApp(opts: Partial<NodeRuntimeOptions> & { now?: Date } = {}) {
  let now = opts.now ?? new Date('2026-03-01T12:00:00.000Z');
  const rt = await createNodeRuntime({
    databaseUrl: ':memory:',
    env: { ADMIN_API_KEY: ADMIN_KEY, VISITOR_SALT: 'test-salt', PUBLIC_URL: 'https://ref.test', RATE_LIMIT_PER_SECOND: '0', PORTAL_LOGIN_RATE_LIMIT_PER_MINUTE: '0', ...opts.env },
    clock: opts.clock ?? (() => now),
    clickBuffer: opts.clickBuffer,
    sendWebhooksSoon: opts.sendWebhooksSoon,
  });
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    rt.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const json = async <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const res = await request(method, path, body, headers);
    return { status: res.status, body: (await res.json()) as T, res };
  };
  return {
    ...rt,
    request,
    json,
    setNow: (d: Date) => {
      now = d;
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    get now() {
      return now;
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof makeApp>>;

export const programInput = {
  name: 'Acme referrals',
  currency: 'EUR',
  defaultUrl: 'https://acme.test/signup',
  allowedHosts: ['acme.test', '*.acme.test'],
};

/** Creates a program and one partner; returns both bodies. */
export async function seedProgram(t: TestApp, overrides: Record<string, unknown> = {}) {
  const program = await t.json('POST', '/v1/programs', { ...programInput, ...overrides });
  if (program.status !== 201) throw new Error(`program: ${JSON.stringify(program.body)}`);
  const partner = await t.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'Jane Doe', email: 'jane@partner.test' });
  if (partner.status !== 201) throw new Error(`partner: ${JSON.stringify(partner.body)}`);
  return { program: program.body, partner: partner.body };
}
