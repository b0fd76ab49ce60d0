import { describe, expect, it } from 'vitest';
import { createPartner, createProgram, makePartnerApp, ok } from '../me/helpers';

async function world() {
  const h = await makePartnerApp();
  const program = await createProgram(h, { currency: 'EUR', holdDays: 0 });
  const other = await createProgram(h, { currency: 'EUR' });
  const jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  const olga = await createPartner(h, other.id, 'Olga', 'olga@partner.test', 'OLGA');
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1250 }), 201);
  await ok(h.admin('POST', '/v1/track/lead', { code: 'JANE', customer: { externalId: 'c1' } }));
  await ok(h.admin('POST', '/v1/jobs/approve-commissions'));
  await ok(h.admin('POST', `/v1/programs/${program.id}/payouts`, { minAmount: 1 }), 201);
  return { h, program, jane, olga };
}

const notFound = (what: string) => ({ error: { code: 'not_found', message: `${what} not found`, requestId: expect.any(String) } });

describe('GET /v1/programs/:id/commissions and /payouts — unknown program or foreign partner', () => {
  it('an unknown program is 404, as for its report and leaderboard', async () => {
    const { h } = await world();
    for (const path of ['commissions', 'payouts', 'report', 'leaderboard']) {
      const r = await h.admin('GET', `/v1/programs/prg_nope/${path}`);
      expect(r.status, path).toBe(404);
      expect(r.body, path).toEqual(notFound('Program'));
    }
  });

  it('a partner of another program (or no partner) is 404, as for the report', async () => {
    const { h, program, olga } = await world();
    for (const path of ['commissions', 'payouts', 'report']) {
      for (const partnerId of [olga.id, 'ptn_nope']) {
        const r = await h.admin('GET', `/v1/programs/${program.id}/${path}?partnerId=${partnerId}`);
        expect(r.status, `${path} ${partnerId}`).toBe(404);
        expect(r.body, `${path} ${partnerId}`).toEqual(notFound('Partner'));
      }
    }
  });

  it('the program’s own partner still lists its entries and payouts; a partner without any gets an empty page', async () => {
    const { h, program, jane, olga } = await world();
    const commissions = await ok(h.admin('GET', `/v1/programs/${program.id}/commissions?partnerId=${jane.id}`));
    expect(commissions.data.map((x: { partnerId: string; amount: number }) => [x.partnerId, x.amount])).toEqual([[jane.id, 1250]]);
    const payouts = await ok(h.admin('GET', `/v1/programs/${program.id}/payouts?partnerId=${jane.id}`));
    expect(payouts.data.map((x: { partnerId: string; amount: number }) => [x.partnerId, x.amount])).toEqual([[jane.id, 1250]]);
    expect(await ok(h.admin('GET', `/v1/programs/${olga.programId}/commissions?partnerId=${olga.id}`))).toEqual({ data: [], nextCursor: null });
    expect(await ok(h.admin('GET', `/v1/programs/${olga.programId}/payouts`))).toEqual({ data: [], nextCursor: null });
  });
});
