import { describe, expect, it } from 'vitest';
import { portalSignIn } from '../helpers/portal-sign-in';
import { createPartner, createProgram, issueToken, makePartnerApp, ok } from '../me/helpers';
import { leaderboardName } from '../../src/portal/leaderboard-name';

/** Bob (3 sales) is suspended; Jane has 2, Max 1. Sales by referral code, at the app clock. */
async function world() {
  const h = await makePartnerApp();
  const program = await createProgram(h, { currency: 'EUR', holdDays: 0, leaderboardEnabled: true });
  const jane = await createPartner(h, program.id, 'Jane Doe', 'jane@partner.test', 'JANE');
  const bob = await createPartner(h, program.id, 'Bob Roe', 'bob@partner.test', 'BOB');
  await createPartner(h, program.id, 'Max von Mustermann', 'max@partner.test', 'MAX');
  for (const [code, n] of [['BOB', 3], ['JANE', 2], ['MAX', 1]] as const) {
    for (let i = 0; i < n; i++) {
      await ok(h.admin('POST', '/v1/track/lead', { code, customer: { externalId: `${code}-${i}` } }));
      await ok(h.admin('POST', '/v1/track/sale', { programId: program.id, customerExternalId: `${code}-${i}`, externalId: `${code}-o${i}`, amount: 1000, currency: 'EUR' }));
    }
  }
  await ok(h.admin('PATCH', `/v1/partners/${bob.id}`, { status: 'suspended' }));
  const cookie = await portalSignIn((path, init) => h.app.request(path, init), await issueToken(h, jane.id));
  return { h, program, cookie };
}

describe('portal leaderboard', () => {
  it('leaves the suspended partner out and shows the others by first name and initial, the partner itself in full', async () => {
    const { h, program, cookie } = await world();
    const html = await (await h.app.request('/portal', { headers: { cookie } })).text();
    const items = [...html.matchAll(/<li data-rank="(\d+)">(.*?)<\/li>/g)].map((m) => [m[1], m[2]]);
    expect(items).toEqual([
      ['1', '<b>Jane Doe (you)</b> — 2'],
      ['2', 'Max M. — 1'],
    ]);
    expect(html).not.toContain('Bob');
    expect(html).not.toContain('Mustermann');
    // The admin's leaderboard still ranks every partner, suspended or not, by full name.
    const board = await ok(h.admin('GET', `/v1/programs/${program.id}/leaderboard?metric=sales`));
    expect(board.data.map((r: any) => [r.rank, r.partnerName, r.value])).toEqual([[1, 'Bob Roe', 3], [2, 'Jane Doe', 2], [3, 'Max von Mustermann', 1]]);
  });

  it.each([
    ['Jane Doe', 'Jane D.'],
    ['  max   von mustermann ', 'max M.'],
    ['Acme', 'Acme'],
    ['Émile Ösel', 'Émile Ö.'],
    ['', '—'],
    [null, '—'],
  ])('leaderboardName(%j) = %j', (name, shown) => expect(leaderboardName(name)).toBe(shown));
});
