import { describe, expect, it } from 'vitest';
import { createPartner, createProgram, issueToken, makePartnerApp, ok } from '../me/helpers';
import { textCell } from '../../src/reports/report-csv';
import { ADMIN_KEY } from '../helpers/app';

// Excel in German, French, Spanish… locales opens a .csv with `;` as the list separator: it splits
// every line at each `;`, and a quote in the middle of a field is a plain character, not a text
// qualifier. So a partner's `x;=1+1;y` becomes a cell `=1+1` of its own there, even when quoted.

describe('CSV formula injection through a ; (the list separator of many spreadsheet locales)', () => {
  it.each([
    ['x;=1+1;y', "x;'=1+1;y"],
    [';@SUM(A1)', ";'@SUM(A1)"],
    ['-1;+2;-3', "'-1;'+2;'-3"],
    ['x;"=1+1', `x;"'=1+1`],
    ['a;b', 'a;b'],
    ['=x', "'=x"],
  ])('textCell(%j) = %j', (s, out) => expect(textCell(s)).toBe(out));

  it("a partner's campaign with ;=… in the admin's CSV: no ;-separated piece starts a formula", async () => {
    const h = await makePartnerApp();
    const program = await createProgram(h, { currency: 'EUR', holdDays: 0 });
    const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
    const token = await issueToken(h, jane.id);
    const campaign = "spring;=cmd|' /C calc'!A0;x";
    await ok(h.as(token)('POST', '/v1/me/links', { code: 'jane-spring', campaign }), 201);
    await ok(h.admin('POST', '/v1/track/lead', { code: 'jane-spring', customer: { externalId: 'c1' } }));

    const res = await h.app.request(`/v1/programs/${program.id}/report?groupBy=campaign&from=2026-03-01&to=2026-03-01&format=csv`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(res.status).toBe(200);
    const [, line] = (await res.text()).split('\r\n');
    expect(line).toBe("spring;'=cmd|' /C calc'!A0;x,,0,0,1,,0,0.00,EUR,,0.00");
    // Split as a ;-locale spreadsheet does: no piece may start a formula.
    expect(line!.split(';').filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
  });
});
