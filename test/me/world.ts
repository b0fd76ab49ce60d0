import { expect } from 'vitest';
import { T0, createPartner, createProgram, issueToken, ok, type PartnerApp } from './helpers';

/** When the world's 30-day holds have passed and payouts were made; the clock stays here. */
export const SETTLED = new Date(T0.getTime() + 30 * 86_400_000);

/**
 * Two programs (30-day hold): Acme (EUR) with partners A and B, Globex (USD) with partner C. Each
 * partner has its default link plus one more, leads by referral code and a sale at T0; at SETTLED
 * everything is approved and paid out, A's payout is marked paid and A gets one more (pending) lead.
 *   A: 3 leads (3 × 1000) + 1 sale (20% of 10000) → 4 entries; balance pending 1000, paid 4000
 *   B: 1 lead + 1 sale of 5000 → 2 entries; payout of 2000, unpaid
 *   C: 1 lead + 1 sale of 20000 USD → 2 entries; payout of 5000, unpaid
 */
export async function seedWorld(h: PartnerApp) {
  const acme = await createProgram(h, { name: 'Acme referrals', holdDays: 30 });
  const globex = await createProgram(h, {
    name: 'Globex referrals',
    currency: 'USD',
    defaultUrl: 'https://globex.test/join',
    allowedHosts: ['globex.test'],
    holdDays: 30,
  });
  const A = await createPartner(h, acme.id, 'Alice', 'alice@partner.test', 'ALICE');
  const B = await createPartner(h, acme.id, 'Bob', 'bob@partner.test', 'BOB');
  const C = await createPartner(h, globex.id, 'Carol', 'carol@partner.test', 'CAROL');

  const link = (partnerId: string, code: string, url: string) => ok(h.admin('POST', `/v1/partners/${partnerId}/links`, { code, url }), 201);
  const aLink = await link(A.id, 'alice-extra', 'https://shop.acme.test/a');
  const bLink = await link(B.id, 'bob-extra', 'https://shop.acme.test/b');
  const cLink = await link(C.id, 'carol-extra', 'https://globex.test/c');

  const rewards: Record<string, any> = {};
  for (const p of [acme, globex]) {
    rewards[p.id] = await ok(h.admin('POST', `/v1/programs/${p.id}/rewards`, { event: 'lead', type: 'fixed', amount: 1000 }), 201);
    await ok(h.admin('POST', `/v1/programs/${p.id}/rewards`, { event: 'sale', type: 'percent', amount: 2000 }), 201);
  }

  const lead = (code: string, externalId: string) => ok(h.admin('POST', '/v1/track/lead', { code, customer: { externalId } }));
  const sale = (programId: string, customerExternalId: string, externalId: string, amount: number, currency: string) =>
    ok(h.admin('POST', '/v1/track/sale', { programId, customerExternalId, externalId, amount, currency }));
  await lead('ALICE', 'cus_a1');
  await lead('ALICE', 'cus_a2');
  await lead('BOB', 'cus_b1');
  await lead('CAROL', 'cus_c1');
  await sale(acme.id, 'cus_a1', 'inv_a1', 10000, 'EUR');
  await sale(acme.id, 'cus_b1', 'inv_b1', 5000, 'EUR');
  await sale(globex.id, 'cus_c1', 'inv_c1', 20000, 'USD');

  h.t.setNow(SETTLED);
  expect(await ok(h.admin('POST', '/v1/jobs/approve-commissions'))).toEqual({ approved: 7 });
  const acmePayouts = (await ok(h.admin('POST', `/v1/programs/${acme.id}/payouts`, {}), 201)).data as any[];
  const globexPayouts = (await ok(h.admin('POST', `/v1/programs/${globex.id}/payouts`, {}), 201)).data as any[];
  const payoutOf = (list: any[], partnerId: string) => list.find((p) => p.partnerId === partnerId);
  const aPayout = payoutOf(acmePayouts, A.id);
  const bPayout = payoutOf(acmePayouts, B.id);
  const cPayout = payoutOf(globexPayouts, C.id);
  expect([aPayout.amount, bPayout.amount, cPayout.amount]).toEqual([4000, 2000, 5000]);
  await ok(h.admin('POST', `/v1/payouts/${aPayout.id}/mark-paid`, { reference: 'SEPA-A-1' }));
  await lead('ALICE', 'cus_a3');

  const ledgerOf = async (programId: string, partnerId: string) =>
    ((await ok(h.admin('GET', `/v1/programs/${programId}/commissions?partnerId=${partnerId}&limit=200`))).data as any[]).map((c) => c.id).sort();

  const apiKey = await ok(h.admin('POST', '/v1/api-keys', { name: 'checkout', scopes: ['conversions:write'] }), 201);

  return {
    acme,
    globex,
    A: { ...A, extraLink: aLink, payout: aPayout, commissionIds: await ledgerOf(acme.id, A.id), token: await issueToken(h, A.id) },
    B: { ...B, extraLink: bLink, payout: bPayout, commissionIds: await ledgerOf(acme.id, B.id), token: await issueToken(h, B.id) },
    C: { ...C, extraLink: cLink, payout: cPayout, commissionIds: await ledgerOf(globex.id, C.id), token: await issueToken(h, C.id) },
    leadRewardId: rewards[acme.id].id as string,
    apiKey,
  };
}

export type World = Awaited<ReturnType<typeof seedWorld>>;
