import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../helpers/app';
import { readPayoutStatement, readPayoutStatementPage } from '../../src/db/queries/payout-statements';
import { createPartner, createProgram, issueToken, makePartnerApp, ok, snapshot, T0, type PartnerApp } from '../me/helpers';

// Jane (payout details set by herself) and Max (none) each have a pending payout of 500.
let h: PartnerApp;
let program: any;
let jane: any;
let max: any;
let janeToken: string;
let janePayout: any;
let maxPayout: any;
const JANE_DETAILS = '=HYPERLINK("https://evil.test"), IBAN DE89 3704 0044 0532 0130 00';
beforeAll(async () => {
  h = await makePartnerApp();
  program = await createProgram(h, { holdDays: 0 });
  jane = await createPartner(h, program.id, 'Jane', 'jane@partner.test', 'JANE');
  max = await createPartner(h, program.id, 'Max', 'max@partner.test', 'MAX');
  await ok(h.admin('POST', `/v1/programs/${program.id}/rewards`, { event: 'lead', type: 'fixed', amount: 500 }), 201);
  for (const code of ['JANE', 'MAX']) await ok(h.admin('POST', '/v1/track/lead', { code, customer: { externalId: `cus_${code}` } }));
  const built = (await ok(h.admin('POST', `/v1/programs/${program.id}/payouts`, {}), 201)).data as any[];
  janePayout = built.find((p) => p.partnerId === jane.id);
  maxPayout = built.find((p) => p.partnerId === max.id);
  janeToken = await issueToken(h, jane.id);
  // Set after the build: the admin's views read them now, not as they were when the payout was built.
  h.t.advance(3_600_000);
  await ok(h.as(janeToken)('PUT', '/v1/me/payout-details', { method: 'bank_transfer', details: JANE_DETAILS }));
});

const SET_AT = new Date(T0.getTime() + 3_600_000).toISOString();
const janeDetails = { payoutMethod: 'bank_transfer', payoutDetails: JANE_DETAILS, payoutDetailsUpdatedAt: SET_AT };
const none = { payoutMethod: null, payoutDetails: null, payoutDetailsUpdatedAt: null };

describe('admins see how partners want to be paid', () => {
  it('GET /v1/partners/:id and the program’s partner list include them', async () => {
    expect(await ok(h.admin('GET', `/v1/partners/${jane.id}`))).toMatchObject(janeDetails);
    expect(await ok(h.admin('GET', `/v1/partners/${max.id}`))).toMatchObject(none);
    // Both were created at T0: newest first ties on the id.
    const list = (await ok(h.admin('GET', `/v1/programs/${program.id}/partners`))).data as any[];
    expect(new Map(list.map((p) => [p.id, [p.payoutMethod, p.payoutDetails, p.payoutDetailsUpdatedAt]]))).toEqual(
      new Map([
        [max.id, [null, null, null]],
        [jane.id, ['bank_transfer', JANE_DETAILS, SET_AT]],
      ]),
    );
    expect(list).toHaveLength(2);
  });

  it('the payouts list and a payout statement carry them, read now (not when the payout was built)', async () => {
    const list = (await ok(h.admin('GET', `/v1/programs/${program.id}/payouts`))).data as any[];
    expect(new Map(list.map((p) => [p.id, [p.payoutMethod, p.payoutDetails, p.payoutDetailsUpdatedAt]]))).toEqual(
      new Map([
        [janePayout.id, ['bank_transfer', JANE_DETAILS, SET_AT]],
        [maxPayout.id, [null, null, null]],
      ]),
    );
    expect(list).toHaveLength(2);
    expect(list.find((p) => p.id === janePayout.id)).toEqual({ ...janePayout, ...janeDetails });
    const statement = await ok(h.admin('GET', `/v1/payouts/${janePayout.id}`));
    expect(statement).toMatchObject({ id: janePayout.id, ...janeDetails });
    expect(await ok(h.admin('GET', `/v1/payouts/${maxPayout.id}`))).toMatchObject({ id: maxPayout.id, ...none });
  });

  it('the admin CSV has payout_method, payout_details, payout_details_updated_at on every line, the details defused', async () => {
    const res = await h.app.request(`/v1/payouts/${janePayout.id}?format=csv`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('payout_id,payout_status,created_at,commission_id,kind,status,amount,unit,event_id,reverses_id,link_code,campaign,explanation,payout_method,payout_details,payout_details_updated_at');
    expect(lines).toHaveLength(3);
    // A formula would run in the marketer's spreadsheet: the cell starts with ' and is quoted (RFC 4180).
    expect(lines[1]!.endsWith(`,bank_transfer,"'=HYPERLINK(""https://evil.test""), IBAN DE89 3704 0044 0532 0130 00",${SET_AT}`)).toBe(true);
    const maxCsv = await (await h.app.request(`/v1/payouts/${maxPayout.id}?format=csv`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    expect(maxCsv.split('\r\n')[1]!.endsWith(',,,')).toBe(true);
  });

  it('the partner’s own statement, list and CSV do not carry them (they are the admin’s view)', async () => {
    const asJane = h.as(janeToken);
    expect('payoutDetails' in (await ok(asJane('GET', `/v1/me/payouts/${janePayout.id}`)))).toBe(false);
    expect('payoutDetails' in (await ok(asJane('GET', '/v1/me/payouts'))).data[0]).toBe(false);
    const csv = await (await h.app.request(`/v1/me/payouts/${janePayout.id}?format=csv`, { headers: { authorization: `Bearer ${janeToken}` } })).text();
    expect(csv.split('\r\n')[0]).toBe('payout_id,payout_status,created_at,commission_id,kind,status,amount,unit,event_id,reverses_id,link_code,campaign,explanation');
    expect(csv).not.toContain('IBAN');
    // Not even read: a partner's statement read matches no partner row.
    const mine = { partnerId: jane.id, programId: program.id };
    expect((await readPayoutStatement(h.t.db, janePayout.id, mine, { limit: 1 }))!.payee).toBeNull();
    expect((await readPayoutStatementPage(h.t.db, janePayout.id, mine, { limit: 1 }))!.payee).toBeNull();
    expect((await readPayoutStatementPage(h.t.db, janePayout.id, 'admin', { limit: 1 }))!.payee).toEqual({ payoutMethod: 'bank_transfer', payoutDetails: JANE_DETAILS, payoutDetailsUpdatedAt: new Date(SET_AT) });
  });
});

describe('PATCH /v1/partners/:id payoutMethod + payoutDetails', () => {
  it('sets both (checked as the partner’s PUT), clears both with nulls; one without the other is 422', async () => {
    h.t.advance(60_000);
    const at = h.t.now.toISOString();
    const set = await ok(h.admin('PATCH', `/v1/partners/${max.id}`, { payoutMethod: 'paypal', payoutDetails: ' max@example.com ' }));
    expect(set).toMatchObject({ payoutMethod: 'paypal', payoutDetails: 'max@example.com', payoutDetailsUpdatedAt: at, updatedAt: at });

    const before = await snapshot(h.t);
    const cases: [unknown, string, string | undefined][] = [
      [{ payoutMethod: 'paypal' }, 'payoutDetails', 'payout_details_incomplete'],
      [{ payoutDetails: 'x' }, 'payoutMethod', 'payout_details_incomplete'],
      [{ payoutMethod: null, payoutDetails: 'x' }, 'payoutMethod', 'payout_details_incomplete'],
      [{ payoutMethod: 'paypal', payoutDetails: 'not-an-email' }, 'payoutDetails', 'invalid_email'],
      [{ payoutMethod: 'cheque', payoutDetails: 'x' }, 'payoutMethod', 'invalid_payout_method'],
      [{ payoutMethod: 'other', payoutDetails: 'a\tb' }, 'payoutDetails', 'control_characters'],
      [{ payoutMethod: 'other', payoutDetails: 'x'.repeat(501) }, 'payoutDetails', 'too_long'],
      [{ payoutMethod: 'wise', payoutDetails: 7 }, 'payoutDetails', undefined],
    ];
    for (const [body, field, reason] of cases) {
      const r = await h.admin('PATCH', `/v1/partners/${max.id}`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect([r.body.error.code, r.body.error.field, r.body.error.reason], JSON.stringify(body)).toEqual(['validation_failed', field, reason]);
    }
    expect(await snapshot(h.t)).toEqual(before);
    // Other fields alone leave them as they are.
    expect(await ok(h.admin('PATCH', `/v1/partners/${max.id}`, { name: 'Max M' }))).toMatchObject({ name: 'Max M', payoutMethod: 'paypal', payoutDetails: 'max@example.com', payoutDetailsUpdatedAt: at });
    const cleared = await ok(h.admin('PATCH', `/v1/partners/${max.id}`, { payoutMethod: null, payoutDetails: null }));
    expect(cleared).toMatchObject(none);
    expect((await h.admin('PATCH', '/v1/partners/ptn_nobody', { payoutMethod: 'wise', payoutDetails: 'x' })).status).toBe(404);
  });
});
