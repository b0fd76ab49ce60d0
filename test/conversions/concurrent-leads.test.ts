import { describe, expect, it } from 'vitest';
import { clickIdOf, rawRows, visit } from '../foundation/support';
import type { TestApp } from '../helpers/app';
import { addPartner, addReward, commissions, sale, setup } from './support';

/**
 * Holds the in-process conversion lock `key` until `open()`: a lead that takes it has already read
 * the customer, so another lead can commit in between (what two isolates do without any lock).
 */
function holdLock(t: TestApp, key: string) {
  let open!: () => void;
  const held = t.deps.locks.run(key, () => new Promise<void>((r) => (open = r)));
  return { open: () => open(), held };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

async function clickOf(t: TestApp, code: string) {
  const id = clickIdOf(await visit(t, `/${code}`));
  expect(id).toMatch(/^clk_/);
  return id!;
}

async function customerRow(t: TestApp, externalId: string) {
  return (await rawRows(t, 'customers')).find((c) => c.external_id === externalId)!;
}

describe('two leads of one customer at the same time', () => {
  it('a lead that only changes the email does not wipe the attribution a concurrent lead just wrote', async () => {
    const { t, program, partner } = await setup();
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000 });
    expect((await t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'c1' } })).body.event.status).toBe('unattributed');
    t.advance(1000);
    const clickId = await clickOf(t, partner.code);
    t.advance(1000);

    const lock = holdLock(t, `conv:${program.id}`); // where an unattributed lead commits
    const stale = t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'c1', email: 'bob@example.org' }, eventName: 'newsletter' });
    await settle(); // it has read the customer (not attributed yet) and waits to commit
    const fresh = await t.json('POST', '/v1/track/lead', { clickId, customer: { externalId: 'c1' }, eventName: 'trial' });
    expect(fresh.body.event).toMatchObject({ status: 'attributed', partnerId: partner.id, clickId });
    lock.open();
    await lock.held;
    const late = await stale;

    expect(late.status).toBe(200);
    // Redone against the customer as it now is: attributed to the partner, email set.
    expect(late.body.event).toMatchObject({ status: 'attributed', reason: null, partnerId: partner.id, clickId });
    expect(await customerRow(t, 'c1')).toMatchObject({ partner_id: partner.id, click_id: clickId, email: 'bob@example.org' });
    const s = await sale(t, program.id, 'c1', 5000);
    expect(s.event).toMatchObject({ status: 'attributed', partnerId: partner.id });
    expect(s.commissions.map((c: any) => [c.partnerId, c.amount])).toEqual([[partner.id, 1000]]);
  });

  it('first_click: a second partner’s lead that read the customer before the first one committed does not take it over', async () => {
    const { t, program, partner: first } = await setup({ attribution: { model: 'first_click' } });
    await addReward(t, program.id, { event: 'trial', type: 'fixed', amount: 300 });
    await addReward(t, program.id, { event: 'demo', type: 'fixed', amount: 300 });
    const second = await addPartner(t, program.id, 'Sam Second', 'sam@partner.test');
    await t.json('POST', '/v1/track/lead', { programId: program.id, customer: { externalId: 'c1' } });
    const c1 = await clickOf(t, first.code);
    t.advance(1000);
    const c2 = await clickOf(t, second.code);
    t.advance(1000);

    const lock = holdLock(t, `conv:${second.id}`);
    const stale = t.json('POST', '/v1/track/lead', { clickId: c2, customer: { externalId: 'c1' }, eventName: 'demo' });
    await settle();
    const fresh = await t.json('POST', '/v1/track/lead', { clickId: c1, customer: { externalId: 'c1' }, eventName: 'trial' });
    expect(fresh.body.event).toMatchObject({ status: 'attributed', partnerId: first.id, clickId: c1 });
    lock.open();
    await lock.held;
    const late = await stale;

    expect(late.status).toBe(200);
    expect(late.body.event).toMatchObject({ status: 'attributed', partnerId: first.id, clickId: c1 });
    expect(await customerRow(t, 'c1')).toMatchObject({ partner_id: first.id, click_id: c1 });
    expect((await commissions(t, program.id)).map((c) => [c.partnerId, c.amount]).sort()).toEqual([
      [first.id, 300],
      [first.id, 300],
    ]);
  });
});
