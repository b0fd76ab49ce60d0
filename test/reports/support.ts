import { expect } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app';
import { clickIdOf } from '../foundation/support';

/** A real app whose clients are told apart by X-Forwarded-For (so visitors can repeat or differ). */
export const proxiedApp = (now: Date) => makeApp({ now, env: { TRUST_PROXY: '1' } });

/**
 * The one place tests reach the report routes: through the real app, where src/app.ts mounts
 * `reportRoutes` at /v1. (To test before mounting, wrap a Hono<AppEnv> here instead.)
 */
export const appFor = (t: TestApp) => ({
  json: <T = any>(path: string) => t.json<T>('GET', path),
  request: (path: string) => t.request('GET', path),
});

/** GET a report route; expects 200 and returns the body. */
export async function getOk(t: TestApp, path: string) {
  const r = await appFor(t).json(path);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export const reportOf = (t: TestApp, programId: string, qs: Record<string, string>) =>
  getOk(t, `/v1/programs/${programId}/report?${new URLSearchParams(qs)}`);

export interface Visitor {
  ip: string;
  ua: string;
  country?: string;
  referer?: string;
}

/** A redirect through a short link as a browser would make it; returns the click id (or null). */
export async function clickOn(t: TestApp, code: string, v: Visitor): Promise<string | null> {
  const headers: Record<string, string> = { 'x-forwarded-for': v.ip, 'user-agent': v.ua };
  if (v.country) headers['cf-ipcountry'] = v.country;
  if (v.referer) headers.referer = v.referer;
  const res = await t.app.request(`/${code}`, { headers });
  expect(res.status).toBe(302);
  return clickIdOf(res);
}

export async function post(t: TestApp, path: string, body: unknown, status = 200) {
  const r = await t.json('POST', path, body);
  expect(r.status, `${path} ${JSON.stringify(r.body)}`).toBe(status);
  return r.body;
}

export const SLACKBOT = 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)';
