import { describe, expect, it } from 'vitest';
import { rawClient } from '../../foundation/support';
import { addReward, leadByCode, refund, sale, setup } from '../../conversions/support';

// One conversion writes its event, up to 3 counters per matching rule and its commissions in ONE
// batch. A program holds at most 150 active rules, so that batch stays within D1's limits; the
// 51st is refused at creation (or re-activation), and the largest batch is all or nothing.
const MAX = 150;
const capped = (i: number) => ({
  event: 'sale',
  type: 'fixed',
  amount: 100 + i,
  caps: { perPartner: { amount: 1_000_000, period: 'year' }, perCustomer: { count: 10 } },
});

async function count(t: Parameters<typeof rawClient>[0], sql: string): Promise<number> {
  return Number((await rawClient(t).execute(sql)).rows[0]!.n);
}

describe('a program with the most active reward rules', () => {
  it('pays all 150 on one sale in one batch, reverses all 150 on a refund, and refuses a 151st active rule', async () => {
    const { t, program, partner } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const rules = [];
    for (let i = 0; i < MAX; i++) rules.push(await addReward(t, program.id, capped(i)));
    const expected = rules.reduce((n, r) => n + r.amount, 0); // 100 + … + 249
    expect(expected).toBe(26_175);

    const extra = await t.json('POST', base, capped(199));
    expect(extra.status, JSON.stringify(extra.body)).toBe(409);
    expect(extra.body.error).toMatchObject({
      code: 'conflict',
      reason: 'too_many_active_rules',
      message: 'a program has at most 150 active reward rules; set one inactive (PATCH {"active":false}) first',
    });
    // An inactive rule may still be added, but not switched on while 150 are active.
    const spare = await addReward(t, program.id, { ...capped(199), active: false });
    const on = await t.json('PATCH', `${base}/${spare.id}`, { active: true, amount: 7 });
    expect(on.status).toBe(409);
    expect(on.body.error.reason).toBe('too_many_active_rules');
    expect((await t.json('GET', `${base}/${spare.id}`)).body).toMatchObject({ active: false, amount: 299 });
    expect(await count(t, `select count(*) as n from rewards where program_id = '${program.id}'`)).toBe(MAX + 1);

    await leadByCode(t, partner.code, 'c1');
    const s = await sale(t, program.id, 'c1', 5000, { externalId: 'ord_1' });
    expect(s.commissions.length).toBe(MAX);
    expect(s.commissions.reduce((n: number, c: any) => n + c.amount, 0)).toBe(expected);
    expect(s.skipped).toEqual([]);
    // tier + cap + customer counter per rule
    expect(await count(t, `select count(*) as n from reward_counters where key like 'rwd_%'`)).toBe(3 * MAX);

    const r = await refund(t, program.id, 'ord_1', 're_1');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.commissions.length).toBe(MAX);
    expect(r.body.commissions.reduce((n: number, c: any) => n + c.amount, 0)).toBe(-expected);
    expect(await count(t, `select count(*) as n from commissions where program_id = '${program.id}'`)).toBe(2 * MAX);
    expect(await count(t, `select sum(amount) as n from commissions where program_id = '${program.id}'`)).toBe(0);

    // Retiring one makes room for one.
    expect((await t.json('PATCH', `${base}/${rules[0].id}`, { active: false })).status).toBe(200);
    const back = await t.json('PATCH', `${base}/${spare.id}`, { active: true });
    expect([back.status, back.body.active]).toEqual([200, true]);
    expect((await t.json('POST', base, capped(198))).status).toBe(409);
  });

  it('a failure at the end of the largest batch leaves nothing behind, and the retried sale books everything once', async () => {
    const { t, program, partner } = await setup();
    const rules = [];
    for (let i = 0; i < MAX; i++) rules.push(await addReward(t, program.id, capped(i)));
    await leadByCode(t, partner.code, 'c1');
    const last = rules[MAX - 1].id;
    // Fails the batch at the last commission insert, after the event and all counter writes.
    await rawClient(t).execute(`create trigger fail_last before insert on commissions when new.reward_id = '${last}' begin select raise(abort, 'injected failure'); end`);
    const before = {
      events: await count(t, 'select count(*) as n from events'),
      counters: await count(t, 'select count(*) as n from reward_counters'),
      rollups: await count(t, 'select coalesce(sum(sales), 0) as n from daily_rollups'),
    };
    const failed = await t.json('POST', '/v1/track/sale', { programId: program.id, customerExternalId: 'c1', externalId: 'ord_1', amount: 5000, currency: 'EUR' });
    expect(failed.status).toBe(500);
    expect({
      events: await count(t, 'select count(*) as n from events'),
      counters: await count(t, 'select count(*) as n from reward_counters'),
      rollups: await count(t, 'select coalesce(sum(sales), 0) as n from daily_rollups'),
    }).toEqual(before);
    expect(await count(t, 'select count(*) as n from commissions')).toBe(0);

    await rawClient(t).execute('drop trigger fail_last');
    const s = await sale(t, program.id, 'c1', 5000, { externalId: 'ord_1' });
    expect(s.commissions.length).toBe(MAX);
    expect(await count(t, `select sum(amount) as n from commissions where program_id = '${program.id}'`)).toBe(26_175);
    expect(await count(t, `select count(*) as n from reward_counters where key like 'rwd_%'`)).toBe(3 * MAX);
  });

  it('simultaneous creations cannot pass the limit together', async () => {
    const { t, program } = await setup();
    for (let i = 0; i < MAX - 2; i++) await addReward(t, program.id, capped(i));
    const rs = await Promise.all(Array.from({ length: 6 }, (_, i) => t.json('POST', `/v1/programs/${program.id}/rewards`, capped(160 + i))));
    expect(rs.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    expect(await count(t, `select count(*) as n from rewards where program_id = '${program.id}' and active = 1`)).toBe(MAX);
  });

  it('switching on a rule read as active, while another request switched it off and filled its place, cannot pass the limit', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const rules = [];
    for (let i = 0; i < MAX; i++) rules.push(await addReward(t, program.id, capped(i)));
    const target = rules[0];
    // The PATCH {active:true} reads the rule (active), then, just before its UPDATE runs, another
    // request sets it inactive and a new rule takes the free place.
    const client = t.db.$client as unknown as { execute: (...a: unknown[]) => Promise<unknown> };
    const original = client.execute;
    let between: number[] = [];
    client.execute = async (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { sql: string }).sql;
      if (/^update "rewards"/i.test(text)) {
        client.execute = original;
        between = [(await t.json('PATCH', `${base}/${target.id}`, { active: false })).status, (await t.json('POST', base, capped(170))).status];
      }
      return original.apply(client, args);
    };
    const on = await t.json('PATCH', `${base}/${target.id}`, { active: true, amount: 7 });
    client.execute = original;
    expect(between).toEqual([200, 201]);
    expect([on.status, on.body.error?.reason]).toEqual([409, 'too_many_active_rules']);
    expect(await count(t, `select count(*) as n from rewards where program_id = '${program.id}' and active = 1`)).toBe(MAX);
    expect((await t.json('GET', `${base}/${target.id}`)).body).toMatchObject({ active: false, amount: 100 });
  });
});
