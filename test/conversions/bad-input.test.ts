import { describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { addReward, events, leadByCode, setup } from './support';

describe('tracking endpoints reject bad input with 4xx JSON and write nothing', () => {
  it('sale, lead, event and refund validation', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'lead', type: 'fixed', amount: 100 });
    const good = { programId: program.id, customerExternalId: 'cus_1', externalId: 'ord_1', amount: 1000, currency: 'EUR' };

    const cases: [string, string, unknown, number, string | undefined][] = [
      ['negative amount', '/v1/track/sale', { ...good, amount: -1 }, 422, 'amount'],
      ['float amount', '/v1/track/sale', { ...good, amount: 10.5 }, 422, 'amount'],
      ['string amount', '/v1/track/sale', { ...good, amount: '1000' }, 422, 'amount'],
      ['huge amount', '/v1/track/sale', { ...good, amount: 1e13 }, 422, 'amount'],
      ['unknown currency', '/v1/track/sale', { ...good, currency: 'XXX' }, 422, 'currency'],
      ['lower-case currency of another program', '/v1/track/sale', { ...good, currency: 'usd' }, 422, 'currency'],
      ['currency with spaces', '/v1/track/sale', { ...good, currency: ' EUR' }, 422, 'currency'],
      ['email with a space inside', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c', email: 'bob smith@b.test' } }, 422, 'customer.email'],
      ['wrong currency for program', '/v1/track/sale', { ...good, currency: 'USD' }, 422, 'currency'],
      ['missing customerExternalId', '/v1/track/sale', { ...good, customerExternalId: undefined }, 422, 'customerExternalId'],
      ['zero quantity', '/v1/track/sale', { ...good, quantity: 0 }, 422, 'quantity'],
      ['bad occurredAt', '/v1/track/sale', { ...good, occurredAt: 'yesterday' }, 422, 'occurredAt'],
      ['unknown field', '/v1/track/sale', { ...good, extra: 1 }, 422, undefined],
      ['unknown program', '/v1/track/sale', { ...good, programId: 'prg_nope' }, 404, undefined],
      ['missing customer', '/v1/track/lead', { code: partner.code }, 422, 'customer'],
      ['customer without externalId', '/v1/track/lead', { code: partner.code, customer: { email: 'a@b.test' } }, 422, 'customer.externalId'],
      ['bad email', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c', email: 'not-an-email' } }, 422, 'customer.email'],
      ['bad eventName', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c' }, eventName: 'Sign Up' }, 422, 'eventName'],
      ['lead named sale', '/v1/track/lead', { code: partner.code, customer: { externalId: 'c' }, eventName: 'sale' }, 422, 'eventName'],
      ['sale named lead', '/v1/track/sale', { ...good, eventName: 'lead' }, 422, 'eventName'],
      ['event named sale', '/v1/track/event', { programId: program.id, customerExternalId: 'c', eventName: 'sale' }, 422, 'eventName'],
      ['refund of 0', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 'rf', amount: 0 }, 422, 'amount'],
      ['refund of unknown sale', '/v1/track/refund', { programId: program.id, saleExternalId: 'ord_1', externalId: 'rf' }, 404, undefined],
    ];
    for (const [name, path, body, status, field] of cases) {
      const r = await t.json('POST', path, body);
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(status);
      expectApiError(r, status, status === 404 ? 'not_found' : 'validation_failed', field);
    }
    const mismatch = await t.json('POST', '/v1/track/sale', { ...good, currency: 'USD' });
    expect(mismatch.body.error.reason).toBe('currency_mismatch');

    const notJson = await t.json('POST', '/v1/track/sale', '{"programId":');
    expectApiError(notJson, 400, 'invalid_json');

    const big = JSON.stringify({ ...good, metadata: { blob: 'x'.repeat(1024 * 1024) } });
    const tooLarge = await t.json('POST', '/v1/track/sale', big);
    expectApiError(tooLarge, 413, 'payload_too_large');
    const tooLargeLead = await t.json('POST', '/v1/track/lead', JSON.stringify({ code: partner.code, customer: { externalId: 'c' }, metadata: { blob: 'x'.repeat(1024 * 1024) } }));
    expectApiError(tooLargeLead, 413, 'payload_too_large');

    expect(await events(t, program.id)).toEqual([]);
    // The app still works afterwards.
    await leadByCode(t, partner.code, 'cus_ok');
    expect(await events(t, program.id)).toHaveLength(1);
  });
});
