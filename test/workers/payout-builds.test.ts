import { describe, expect, it } from 'vitest';
import { json } from './helpers';
import { addReward, balance, leadByCode, program } from './tracking';

async function build(programId: string, body: Record<string, unknown> = {}) {
  const r = await json('POST', `/v1/programs/${programId}/payouts`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { data: any[]; skipped: any[] };
}

async function setStatus(partnerId: string, status: 'active' | 'suspended') {
  const r = await json('PATCH', `/v1/partners/${partnerId}`, { status });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe('payout builds on workerd with D1', () => {
  it('110 partners, every 10th suspended: one payout per active partner with its exact sum; the suspended are paid once reactivated', async () => {
    const { program: p, partner: first } = await program({ holdDays: 0 });
    await addReward(p.id, { event: 'lead', type: 'fixed', amount: 100 });
    const partners = [first];
    for (let i = 1; i < 110; i++) {
      const r = await json('POST', `/v1/programs/${p.id}/partners`, { name: `P${i}`, email: `p${i}@partner.test` });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      partners.push(r.body);
    }
    const owed = (i: number) => ((i % 2) + 1) * 100;
    for (const [i, partner] of partners.entries()) {
      for (let k = 0; k < owed(i) / 100; k++) await leadByCode(partner.code, `c_${i}_${k}`);
    }
    const suspended = partners.filter((_, i) => i % 10 === 0);
    for (const partner of suspended) await setStatus(partner.id, 'suspended');

    const built = await build(p.id);
    const active = [...partners.entries()].filter(([i]) => i % 10 !== 0);
    expect(built.data.map((x) => [x.partnerId, x.amount, x.entryCount]).sort()).toEqual(
      active.map(([i, partner]) => [partner.id, owed(i), owed(i) / 100]).sort(),
    );
    expect(built.data.reduce((s, x) => s + x.amount, 0)).toBe(15400);
    expect(built.skipped.map((s) => [s.partnerId, s.unit, s.amount, s.reason]).sort()).toEqual(
      [...partners.entries()].filter(([i]) => i % 10 === 0).map(([i, partner]) => [partner.id, 'USD', owed(i), 'partner_suspended']).sort(),
    );
    expect(await balance(first.id)).toEqual({ pending: 0, approved: 100, paid: 0 });

    for (const partner of suspended) await setStatus(partner.id, 'active');
    const second = await build(p.id);
    expect(second.data.map((x) => [x.partnerId, x.amount]).sort()).toEqual(
      [...partners.entries()].filter(([i]) => i % 10 === 0).map(([i, partner]) => [partner.id, owed(i)]).sort(),
    );
    expect(second.skipped).toEqual([]);
    expect(await build(p.id)).toEqual({ data: [], skipped: [] });
  }, 60_000);
});
