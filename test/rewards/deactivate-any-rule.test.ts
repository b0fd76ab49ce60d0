import { describe, expect, it } from 'vitest';
import { rawClient } from '../foundation/support';
import { addReward, setup } from '../conversions/support';

// Setting a rule inactive is always allowed: a rule stored before today's checks (a percent rule on
// leads, a rule of 0) must not be stuck active because it would no longer pass them.
describe('PATCH {"active":false}', () => {
  it('deactivates a stored rule that today’s checks would refuse; any other change to it is still checked', async () => {
    const { t, program } = await setup();
    const rule = await addReward(t, program.id, { event: 'sale', type: 'percent', amount: 1000 });
    // As an older version stored it: a percent rule on leads, of 0, paying in another currency than the program's.
    await rawClient(t).execute({ sql: "update rewards set event = 'lead', amount = 0, unit = 'JPY' where id = ?", args: [rule.id] });
    const path = `/v1/programs/${program.id}/rewards/${rule.id}`;

    const off = await t.json('PATCH', path, { active: false });
    expect([off.status, off.body.active, off.body.event, off.body.amount, off.body.unit]).toEqual([200, false, 'lead', 0, 'JPY']);

    const other = await t.json('PATCH', path, { active: true, amount: 0 });
    expect([other.status, other.body.error?.field]).toEqual([422, 'unit']);
    expect((await t.json('GET', path)).body.active).toBe(false);
  });
});
