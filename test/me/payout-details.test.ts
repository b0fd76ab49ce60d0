import { beforeAll, describe, expect, it } from 'vitest';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, snapshot, T0, type PartnerApp } from './helpers';

// Jane and Max in one program, each with a token; Jane sets her payout details, Max must never see them.
let h: PartnerApp;
let jane: any;
let max: any;
let janeToken: string;
let maxToken: string;
beforeAll(async () => {
  h = await makePartnerApp();
  const program = await createProgram(h);
  jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  max = await createPartner(h, program.id, 'Max', 'max@partner.test', 'MAX');
  janeToken = await issueToken(h, jane.id);
  maxToken = await issueToken(h, max.id);
});

const put = (token: string, body: unknown) => h.as(token)('PUT', '/v1/me/payout-details', body);

describe('PUT /v1/me/payout-details', () => {
  it('refuses bad input with 422 naming the field and reason; nothing is written', async () => {
    const before = await snapshot(h.t);
    const cases: [unknown, string, string | undefined][] = [
      [{ method: 'venmo', details: 'jane@example.com' }, 'method', 'invalid_payout_method'],
      [{ method: 'PayPal', details: 'jane@example.com' }, 'method', 'invalid_payout_method'],
      [{ method: 'paypal', details: 'not-an-email' }, 'details', 'invalid_email'],
      [{ method: 'paypal', details: 'jane @example.com' }, 'details', 'invalid_email'],
      [{ method: 'bank_transfer', details: '   ' }, 'details', 'details_required'],
      [{ method: 'wise', details: '' }, 'details', 'details_required'],
      [{ method: 'other', details: 'x'.repeat(501) }, 'details', 'too_long'],
      [{ method: 'bank_transfer', details: 'DE89 3704 0044 0532 0130 00\nJane Doe' }, 'details', 'control_characters'],
      [{ method: 'other', details: 'cash\u0000' }, 'details', 'control_characters'],
      [{ method: 'other', details: 'pay \u202eevil' }, 'details', 'control_characters'],
      // shape errors: zod's own message, no reason
      [{ method: 'paypal' }, 'details', undefined],
      [{ details: 'jane@example.com' }, 'method', undefined],
      [{ method: 'paypal', details: 42 }, 'details', undefined],
      [{ method: 'paypal', details: 'jane@example.com', partnerId: max.id }, 'partnerId', undefined],
    ];
    for (const [body, field, reason] of cases) {
      const r = await put(janeToken, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.field, JSON.stringify(body)).toBe(field);
      expect(r.body.error.reason, JSON.stringify(body)).toBe(reason);
    }
    // The message says what is wrong, never what was sent.
    const r = await put(janeToken, { method: 'paypal', details: 'secret-iban-123' });
    expect(r.body.error.message).toBe('details: must be the email address of the PayPal account');
    expect(await snapshot(h.t)).toEqual(before);
  });

  it('a body that is not JSON or not an object is a 4xx, never a 500', async () => {
    expect((await put(janeToken, '{')).status).toBe(400);
    expect((await put(janeToken, '[]')).status).toBe(422);
    expect((await h.app.request('/v1/me/payout-details', { method: 'PUT', headers: { authorization: `Bearer ${janeToken}`, 'content-type': 'text/plain' }, body: 'x' })).status).toBe(400);
  });

  it('sets them (trimmed), GET /v1/me shows them with the time; 500 characters are fine; a new PUT replaces them', async () => {
    const r = await ok(put(janeToken, { method: 'paypal', details: '  Jane.Doe@Example.com ' }));
    expect(r).toEqual({ partnerId: jane.id, payoutMethod: 'paypal', payoutDetails: 'Jane.Doe@Example.com', payoutDetailsUpdatedAt: T0.toISOString() });
    const me = await ok(h.as(janeToken)('GET', '/v1/me'));
    expect([me.payoutMethod, me.payoutDetails, me.payoutDetailsUpdatedAt, me.updatedAt]).toEqual(['paypal', 'Jane.Doe@Example.com', T0.toISOString(), T0.toISOString()]);

    h.t.advance(60_000);
    const later = new Date(T0.getTime() + 60_000).toISOString();
    const iban = 'IBAN DE89 3704 0044 0532 0130 00, holder Jane Doe';
    expect(await ok(put(janeToken, { method: 'bank_transfer', details: iban }))).toEqual({ partnerId: jane.id, payoutMethod: 'bank_transfer', payoutDetails: iban, payoutDetailsUpdatedAt: later });
    expect((await ok(put(janeToken, { method: 'other', details: 'é'.repeat(500) }))).payoutDetails).toHaveLength(500);
    await ok(put(janeToken, { method: 'bank_transfer', details: iban }));
    const me2 = await ok(h.as(janeToken)('GET', '/v1/me'));
    expect([me2.payoutMethod, me2.payoutDetails, me2.payoutDetailsUpdatedAt]).toEqual(['bank_transfer', iban, later]);
  });

  it('sets only the caller’s own: Max’s stay unset, and Max never sees Jane’s', async () => {
    await ok(put(janeToken, { method: 'wise', details: 'jane-wise@example.com' }));
    const asMax = h.as(maxToken);
    const maxMe = await ok(asMax('GET', '/v1/me'));
    expect([maxMe.id, maxMe.payoutMethod, maxMe.payoutDetails, maxMe.payoutDetailsUpdatedAt]).toEqual([max.id, null, null, null]);
    for (const path of ['/v1/me', '/v1/me/payouts', '/v1/me/commissions', '/v1/me/links', '/v1/me/balance', '/v1/me/customers']) {
      expect(JSON.stringify((await ok(asMax('GET', path))).valueOf()), path).not.toContain('jane-wise');
    }
    // Max setting his own leaves Jane's as they were.
    await ok(put(maxToken, { method: 'paypal', details: 'max@example.com' }));
    const janeMe = await ok(h.as(janeToken)('GET', '/v1/me'));
    expect([janeMe.payoutMethod, janeMe.payoutDetails]).toEqual(['wise', 'jane-wise@example.com']);
    const admin = await ok(h.admin('GET', `/v1/partners/${max.id}`));
    expect([admin.payoutMethod, admin.payoutDetails]).toEqual(['paypal', 'max@example.com']);
  });

  it('needs a partner token: none, a garbage one or the admin key is 401 and writes nothing', async () => {
    const before = await snapshot(h.t);
    for (const token of [null, 'x.y.z', 'test-admin-key-0123456789abcdefghij']) {
      const r = await h.as(token)('PUT', '/v1/me/payout-details', { method: 'paypal', details: 'evil@example.com' });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    }
    expect(await snapshot(h.t)).toEqual(before);
  });

  it('a suspended partner cannot set them (401), nothing written', async () => {
    const program = await createProgram(h);
    const sam = await createPartner(h, program.id, 'Sam', 'sam@partner.test');
    const token = await issueToken(h, sam.id);
    await ok(h.admin('PATCH', `/v1/partners/${sam.id}`, { status: 'suspended' }));
    expect((await put(token, { method: 'paypal', details: 'sam@example.com' })).status).toBe(401);
    expect((await ok(h.admin('GET', `/v1/partners/${sam.id}`))).payoutMethod).toBeNull();
  });
});
