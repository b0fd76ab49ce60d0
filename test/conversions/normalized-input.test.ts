import { describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { canonicalJson } from '../../src/lib/canonical-json';
import { sha256Hex } from '../../src/lib/hash';
import { addReward, commissions, events, lead, setup } from './support';

async function fixture() {
  const { t, program, partner } = await setup({ holdDays: 0 });
  await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 });
  await lead(t, { code: partner.code, customer: { externalId: 'c1' } });
  return { t, program, partner };
}

describe('sale currency', () => {
  it('"eur" is EUR and an omitted currency is the program’s; another currency in any case is currency_mismatch', async () => {
    const { t, program, partner } = await fixture();
    const base = { programId: program.id, customerExternalId: 'c1', amount: 5000 };
    const lower = await t.json('POST', '/v1/track/sale', { ...base, externalId: 'ord_lower', currency: 'eur' });
    expect(lower.status, JSON.stringify(lower.body)).toBe(200);
    expect(lower.body.event).toMatchObject({ status: 'attributed', amount: 5000, currency: 'EUR', partnerId: partner.id });
    expect(lower.body.commissions.map((c: any) => [c.amount, c.unit])).toEqual([[500, 'EUR']]);
    const omitted = await t.json('POST', '/v1/track/sale', { ...base, externalId: 'ord_omitted' });
    expect(omitted.status, JSON.stringify(omitted.body)).toBe(200);
    expect(omitted.body.event).toMatchObject({ amount: 5000, currency: 'EUR' });
    expect(omitted.body.commissions.map((c: any) => [c.amount, c.unit])).toEqual([[500, 'EUR']]);

    for (const currency of ['usd', 'Usd', 'USD']) {
      const r = await t.json('POST', '/v1/track/sale', { ...base, externalId: `ord_${currency}`, currency });
      expectApiError(r, 422, 'validation_failed', 'currency');
      expect(r.body.error.reason).toBe('currency_mismatch');
    }
    for (const currency of ['', 'euro', ' EUR', 'xxx']) {
      const r = await t.json('POST', '/v1/track/sale', { ...base, externalId: 'ord_bad', currency });
      expectApiError(r, 422, 'validation_failed', 'currency');
    }
    expect((await events(t, program.id)).map((e: any) => [e.type, e.currency])).toEqual([
      ['sale', 'EUR'],
      ['sale', 'EUR'],
      ['lead', null],
    ]);
  });

  it('replays compare the currency resolved: "eur", "EUR", "Eur" and none are one sale; another amount is still 409', async () => {
    const { t, program } = await fixture();
    const base = { programId: program.id, customerExternalId: 'c1', externalId: 'ord_1', amount: 5000 };
    const first = await t.request('POST', '/v1/track/sale', { ...base, currency: 'eur' });
    expect(first.status).toBe(200);
    const text = await first.text();
    for (const variant of [{ currency: 'EUR' }, { currency: 'Eur' }, {}]) {
      t.advance(60_000);
      const again = await t.request('POST', '/v1/track/sale', { ...base, ...variant });
      expect(again.status, JSON.stringify(variant)).toBe(200);
      expect(await again.text()).toBe(text);
    }
    // First sent without a currency, replayed with one.
    const omitted = await t.request('POST', '/v1/track/sale', { ...base, externalId: 'ord_2' });
    expect(omitted.status).toBe(200);
    const omittedText = await omitted.text();
    const again = await t.request('POST', '/v1/track/sale', { ...base, externalId: 'ord_2', currency: 'eur' });
    expect(await again.text()).toBe(omittedText);

    const conflict = await t.json('POST', '/v1/track/sale', { ...base, currency: 'eur', amount: 5001 });
    expectApiError(conflict, 409, 'conflict');
    expect(conflict.body.error.reason).toBe('idempotency_conflict');
    expect((await events(t, program.id)).filter((e: any) => e.type === 'sale').length).toBe(2);
    expect((await commissions(t, program.id)).map((c: any) => c.amount)).toEqual([500, 500]);
  });
});

describe('customer email', () => {
  it('is stored trimmed with its domain lower-case and its local part as sent; replays compare it so', async () => {
    const { t, program, partner } = await setup();
    const body = { code: partner.code, customer: { externalId: 'c1', email: '  Bob.Smith@Example.ORG ' } };
    const first = await t.request('POST', '/v1/track/lead', body);
    expect(first.status).toBe(200);
    const text = await first.text();
    const { customer } = JSON.parse(text);
    const detail = await t.json('GET', `/v1/programs/${program.id}/customers/${customer.id}`);
    expect(detail.body.email).toBe('Bob.Smith@example.org');
    // The same address written as stored replays the lead; the customers filter ignores case.
    const replay = await t.request('POST', '/v1/track/lead', { ...body, customer: { externalId: 'c1', email: 'Bob.Smith@example.org' } });
    expect(await replay.text()).toBe(text);
    const found = await t.json('GET', `/v1/programs/${program.id}/customers?email=${encodeURIComponent('bob.smith@EXAMPLE.org')}`);
    expect(found.body.data.map((c: any) => c.id)).toEqual([customer.id]);
    // Another local part is another address: a different payload.
    const other = await t.json('POST', '/v1/track/lead', { ...body, customer: { externalId: 'c1', email: 'bob.smith@example.org' } });
    expectApiError(other, 409, 'conflict');
    expect(other.body.error.reason).toBe('idempotency_conflict');

    // A later lead of the customer with the address in another form changes nothing stored.
    const trial = await lead(t, { programId: program.id, customer: { externalId: 'c1', email: 'Bob.Smith@EXAMPLE.org' }, eventName: 'trial_started' });
    expect(trial.event).toMatchObject({ status: 'attributed', partnerId: partner.id });
    expect((await t.json('GET', `/v1/programs/${program.id}/customers/${customer.id}`)).body.email).toBe('Bob.Smith@example.org');
  });

  it('the partner’s own address with spaces and capitals is still self_referral; spaces inside are a 422', async () => {
    const { t, partner } = await setup();
    const r = await lead(t, { code: partner.code, customer: { externalId: 'c1', email: ' Jane@Partner.TEST ' } });
    expect(r.event).toMatchObject({ status: 'rejected', reason: 'self_referral', partnerId: null });
    const bad = await t.json('POST', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c2', email: 'bob smith@example.org' } });
    expectApiError(bad, 422, 'validation_failed', 'customer.email');
  });

  it('an event recorded before emails were normalised still replays from the very same request', async () => {
    const { t, program, partner } = await setup();
    const body = { code: partner.code, customer: { externalId: 'c1', email: 'Bob@Example.ORG' } };
    const first = await t.request('POST', '/v1/track/lead', body);
    const text = await first.text();
    // The hash such an event was stored with: the request as sent.
    const legacy = await sha256Hex(`/v1/track/lead\n${canonicalJson(body)}`);
    await t.db.$client.execute({ sql: 'update events set request_hash = ? where program_id = ?', args: [legacy, program.id] });
    const replay = await t.request('POST', '/v1/track/lead', body);
    expect(replay.status).toBe(200);
    expect(await replay.text()).toBe(text);
    expect((await events(t, program.id)).length).toBe(1);
  });
});
