import { describe, expect, it } from 'vitest';
import { json, self } from './helpers';
import { addReward, leadByCode, program } from './tracking';

describe('payout details on workerd with D1', () => {
  it('a partner sets them (PUT /v1/me/payout-details); admins read them on the partner, the payouts list, the statement and its CSV', async () => {
    const { program: p, partner } = await program({ holdDays: 0 });
    await addReward(p.id, { event: 'lead', type: 'fixed', amount: 500 });
    await leadByCode(partner.code, 'cus_1');
    const built = await json('POST', `/v1/programs/${p.id}/payouts`, {});
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    const [payout] = built.body.data;
    const token = (await json('POST', `/v1/partners/${partner.id}/tokens`, {})).body.token;
    const asPartner = { authorization: `Bearer ${token}` };

    const bad = await json('PUT', '/v1/me/payout-details', { method: 'paypal', details: 'nope' }, asPartner);
    expect([bad.status, bad.body.error.code, bad.body.error.field, bad.body.error.reason]).toEqual([422, 'validation_failed', 'details', 'invalid_email']);
    const set = await json('PUT', '/v1/me/payout-details', { method: 'paypal', details: ' jane@example.com ' }, asPartner);
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ partnerId: partner.id, payoutMethod: 'paypal', payoutDetails: 'jane@example.com' });
    const at = set.body.payoutDetailsUpdatedAt;
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const details = { payoutMethod: 'paypal', payoutDetails: 'jane@example.com', payoutDetailsUpdatedAt: at };

    expect((await json('GET', '/v1/me', undefined, asPartner)).body).toMatchObject(details);
    expect((await json('GET', `/v1/partners/${partner.id}`)).body).toMatchObject(details);
    expect((await json('GET', `/v1/programs/${p.id}/payouts`)).body.data).toEqual([{ ...payout, ...details }]);
    expect((await json('GET', `/v1/payouts/${payout.id}`)).body).toMatchObject({ id: payout.id, ...details });
    const csv = (await (await self('GET', `/v1/payouts/${payout.id}?format=csv`)).text()).split('\r\n');
    expect(csv[0]).toMatch(/,explanation,payout_method,payout_details,payout_details_updated_at$/);
    expect(csv[1]).toMatch(new RegExp(`,paypal,jane@example\\.com,${at.replace(/\./g, '\\.')}$`));
    // The partner's own statement does not carry them.
    expect('payoutMethod' in (await json('GET', `/v1/me/payouts/${payout.id}`, undefined, asPartner)).body).toBe(false);

    // An admin clears them with nulls.
    const cleared = await json('PATCH', `/v1/partners/${partner.id}`, { payoutMethod: null, payoutDetails: null });
    expect(cleared.body).toMatchObject({ payoutMethod: null, payoutDetails: null, payoutDetailsUpdatedAt: null });
  });
});
