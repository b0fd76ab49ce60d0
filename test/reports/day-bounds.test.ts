import { describe, expect, it } from 'vitest';
import { isDay, resolveRange } from '../../src/reports/date-range';
import { createPartner, createProgram, issueToken, makePartnerApp, ok } from '../me/helpers';

describe('report days stay within 1970-01-01 … 9999-12-31', () => {
  it.each(['0000-01-05', '0000-01-01', '0001-01-01', '1969-12-31', '1900-01-01', '10000-01-01', '+010000-01-01'])('%s is not a day', (s) =>
    expect(isDay(s)).toBe(false));
  it.each(['1970-01-01', '1999-12-31', '9999-12-31'])('%s is a day', (s) => expect(isDay(s)).toBe(true));

  it('a default `from` stops at 1970-01-01', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(resolveRange(undefined, '1970-01-05', now)).toEqual({ from: '1970-01-01', to: '1970-01-05', fromMs: 0, toMs: 5 * 86_400_000 });
    expect(resolveRange(undefined, '1970-01-30', now)).toMatchObject({ from: '1970-01-01', to: '1970-01-30' });
    expect(resolveRange(undefined, '1970-01-31', now)).toMatchObject({ from: '1970-01-02', to: '1970-01-31' });
    expect(resolveRange(undefined, '9999-12-31', now)).toMatchObject({ from: '9999-12-02', to: '9999-12-31' });
  });

  it('out-of-range days are 422 on the report, leaderboard, KPIs and /v1/me/report; nothing answers with a malformed day', async () => {
    const h = await makePartnerApp();
    const program = await createProgram(h, { currency: 'EUR' });
    const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
    const token = await issueToken(h, jane.id);
    const paths = ['report', 'leaderboard', 'kpis'].map((p) => `/v1/programs/${program.id}/${p}`);
    const calls = [...paths.map((p) => [h.admin, p] as const), [h.as(token), '/v1/me/report'] as const];
    for (const [call, path] of calls) {
      for (const [query, field] of [
        ['to=0000-01-05', 'to'],
        ['from=0000-01-01&to=0000-01-05', 'from'],
        ['from=1969-12-31&to=1970-01-05', 'from'],
        ['to=1969-12-31', 'to'],
        ['from=10000-01-01', 'from'],
      ] as const) {
        const r = await call('GET', `${path}?${query}`);
        expect(r.status, `${path}?${query}`).toBe(422);
        expect(r.body, `${path}?${query}`).toEqual({
          error: { code: 'validation_failed', message: `${field}: must be a date YYYY-MM-DD from 1970-01-01 to 9999-12-31`, field, requestId: expect.any(String) },
        });
      }
      const edge = await ok(call('GET', `${path}?to=1970-01-05`));
      expect(JSON.stringify(edge)).not.toMatch(/"-0|"1969/);
      if (edge.from !== undefined) expect([edge.from, edge.to]).toEqual(['1970-01-01', '1970-01-05']);
      await ok(call('GET', `${path}?from=9999-12-02&to=9999-12-31`));
    }
    const report = await ok(h.admin('GET', `/v1/programs/${program.id}/report?to=1970-01-05&groupBy=week`));
    expect([report.from, report.to]).toEqual(['1970-01-01', '1970-01-05']);
  });
});
