import { describe, expect, it } from 'vitest';
import { validateDestination } from '../../src/links/validate-destination';
import { rowCounts, fullSnapshot, tableNames } from '../reliability/support';
import { createPartner, createProgram, issueToken, makePartnerApp, ok } from '../me/helpers';

// "é" is one character typed and six stored ("%C3%A9"): the 2048 limit holds for the stored href.
const BASE = 'https://acme.test/';
const exactly2048 = BASE + 'é'.repeat(338) + 'ab'; // 18 + 338 × 6 + 2 = 2048 once encoded
const grows = BASE + 'é'.repeat(1000); // 1018 typed, 6018 stored

describe('the 2048-character URL limit after normalisation', () => {
  it('refuses a URL whose normalised href is over 2048 characters, accepts one of exactly 2048', () => {
    expect(validateDestination(grows, ['acme.test'])).toEqual({ ok: false, reason: 'too_long' });
    expect(validateDestination(exactly2048 + 'c', ['acme.test'])).toEqual({ ok: false, reason: 'too_long' });
    expect(validateDestination(BASE + '?q=' + 'é'.repeat(400), ['acme.test'])).toEqual({ ok: false, reason: 'too_long' });
    const fits = validateDestination(exactly2048, ['acme.test']);
    expect(fits).toEqual({ ok: true, url: BASE + '%C3%A9'.repeat(338) + 'ab', host: 'acme.test' });
    expect(fits.ok && fits.url.length).toBe(2048);
  });

  /** Sends `url` to every route that stores a destination: each is a 422 too_long and nothing is written. */
  async function refusedOnEveryRoute(url: string) {
    const h = await makePartnerApp();
    const program = await createProgram(h, { currency: 'EUR' });
    const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
    const token = await issueToken(h, jane.id);
    const tables = await tableNames(h.t);
    const before = await fullSnapshot(h.t, tables);
    const calls = [
      [h.admin('POST', `/v1/partners/${jane.id}/links`, { url }), 'url'],
      [h.admin('PATCH', `/v1/links/${jane.defaultLink.id}`, { url }), 'url'],
      [h.as(token)('POST', '/v1/me/links', { url }), 'url'],
      [h.admin('PATCH', `/v1/programs/${program.id}`, { defaultUrl: url }), 'defaultUrl'],
      [h.admin('POST', '/v1/programs', { name: 'X', currency: 'EUR', defaultUrl: url, allowedHosts: ['acme.test'] }), 'defaultUrl'],
    ] as const;
    for (const [call, field] of calls) {
      const r = await call;
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body).toEqual({
        error: { code: 'validation_failed', message: `${field}: destination refused (too_long)`, reason: 'too_long', field, requestId: expect.any(String) },
      });
    }
    expect(await fullSnapshot(h.t, tables)).toEqual(before);
    return { h, jane, tables };
  }

  it('is a 422 too_long on every route that stores a destination, nothing written', async () => {
    const { h, jane, tables } = await refusedOnEveryRoute(grows);
    const counts = await rowCounts(h.t, tables);
    const created = await ok(h.admin('POST', `/v1/partners/${jane.id}/links`, { url: exactly2048 }), 201);
    expect(created.url.length).toBe(2048);
    expect((await rowCounts(h.t, tables)).links).toBe(counts.links! + 1);
  });

  // Found by running README's examples: a plain 2,049-character URL was refused by the body
  // schema's max(2048) before the destination check, as a 422 without the documented reason.
  it('a URL typed longer than 2048 characters is a 422 too_long too, on every route, nothing written', async () => {
    const typed2049 = BASE + 'a'.repeat(2049 - BASE.length);
    expect(typed2049.length).toBe(2049);
    await refusedOnEveryRoute(typed2049);
  });
});
