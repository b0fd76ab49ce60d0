import { describe, expect, it } from 'vitest';
import { approveDue } from '../../src/db/queries/ledger';
import { addReward, commissions, DAY, leadByCode, refund, sale, setup } from '../conversions/support';

const HOUR = 3_600_000;

describe('approveDue in chunks', () => {
  it('approves every due entry, a chunk at a time, a partial reversal always with its original', async () => {
    const { t, program } = await setup({ holdDays: 30 });
    await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 2000 });
    await leadByCode(t, (await t.json('GET', `/v1/programs/${program.id}/partners`)).body.data[0].code, 'cus_1');
    for (let i = 1; i <= 5; i++) {
      await sale(t, program.id, 'cus_1', 10000, { externalId: `ord_${i}` });
      t.advance(HOUR);
    }
    expect((await refund(t, program.id, 'ord_3', 'rf_1', 3000)).status).toBe(200);
    t.advance(31 * DAY);

    // After every UPDATE the job sends: no reversal approved apart from its original, or the reverse.
    const client = t.db.$client as unknown as { execute: (...a: unknown[]) => Promise<unknown> };
    const execute = client.execute;
    const splits: string[] = [];
    let updates = 0;
    client.execute = async (...args: unknown[]) => {
      const out = await execute.apply(client, args);
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { sql: string }).sql;
      if (/^update "commissions"/i.test(text)) {
        updates++;
        const rows = ((await execute.call(client, 'SELECT r.status AS a, o.status AS b FROM commissions r JOIN commissions o ON o.id = r.reverses_id')) as { rows: { a: string; b: string }[] }).rows;
        for (const r of rows) if (r.a !== r.b) splits.push(`${r.a}/${r.b}`);
      }
      return out;
    };
    try {
      expect(await approveDue(t.db, t.now, 1)).toBe(6);
    } finally {
      client.execute = execute;
    }
    expect(updates).toBe(6); // five hold instants (the reversal shares sale 3's), then the empty rest
    expect(splits).toEqual([]);
    expect((await commissions(t, program.id)).map((c) => c.status)).toEqual(Array(6).fill('approved'));
  });
});
