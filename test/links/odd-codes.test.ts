import { describe, expect, it } from 'vitest';
import { makeApp, seedProgram } from '../helpers/app';
import { clickIdOf, countRows, visit } from '../foundation/support';

describe('redirect paths with odd case, escapes and unicode', () => {
  it('any case and a percent-escaped ASCII letter find the code; unicode look-alikes, escapes and junk are 404s that record nothing', async () => {
    const t = await makeApp();
    const { partner } = await seedProgram(t);
    await t.json('POST', `/v1/partners/${partner.id}/links`, { code: 'kate' });
    for (const path of ['/kate', '/KATE', '/kAtE', '/%4Bate', '/kate?x=%', '/kate/']) {
      const res = await visit(t, path);
      expect(res.status, path).toBe(302);
      expect(clickIdOf(res), path).toMatch(/^clk_/);
    }
    await t.clickSink.flush();
    expect(await countRows(t, 'clicks')).toBe(6);
    // U+212A KELVIN SIGN lower-cases to "k" in JavaScript; it must not reach the lookup.
    for (const path of ['/\u212Aate', '/%E2%84%AAate', '/k%C3%A4te', '/kate%20', '/ka%00te', '/%E0%A4%A', '/%', '/kate//', '/kate/x', '/kate;x', '/kate%2F', '/k']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await visit(t, path, {}, method);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get('location'), path).toBeNull();
        expect(res.headers.get('set-cookie'), path).toBeNull();
      }
    }
    await t.clickSink.flush();
    expect(await countRows(t, 'clicks')).toBe(6);
  });
});
