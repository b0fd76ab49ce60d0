import { describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { addReward, leadByCode, sale, setup } from '../conversions/support';

const RANGE = 'must be from 2000-01-01T00:00:00.000Z to 2100-01-01T00:00:00.000Z';

// startsAt/endsAt accepted any date (year 0001, 9999). They are now within the range tracking can
// record an occurredAt in (from 2000-01-01) up to 2100-01-01, both included, and endsAt after
// startsAt — on create and on the result of a PATCH.
describe('reward rule dates', () => {
  it('refuses startsAt and endsAt outside 2000-01-01 … 2100-01-01 on create, and stores nothing', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const rule = { event: 'sale', type: 'fixed', amount: 1000 };
    const refused: [string, string][] = [
      ['startsAt', '1999-12-31T23:59:59.999Z'],
      ['startsAt', '0001-01-01T00:00:00Z'],
      ['startsAt', '1970-01-01T00:00:00Z'],
      // 00:30 at +01:00 is 1999-12-31T23:30Z.
      ['startsAt', '2000-01-01T00:30:00+01:00'],
      ['startsAt', '2100-01-01T00:00:00.001Z'],
      ['endsAt', '2100-01-01T00:00:00.001Z'],
      ['endsAt', '9999-12-31T23:59:59Z'],
      ['endsAt', '1999-12-31T23:59:59.999Z'],
    ];
    for (const [field, value] of refused) {
      const r = await t.json('POST', base, { ...rule, [field]: value });
      expectApiError(r, 422, 'validation_failed', field);
      expect([r.body.error.message, r.body.error.reason], value).toEqual([`${field}: ${RANGE}`, 'date_out_of_range']);
    }
    expect((await t.json('GET', base)).body.data).toEqual([]);

    // Both ends are included.
    const first = await addReward(t, program.id, { ...rule, startsAt: '2000-01-01T00:00:00.000Z', endsAt: '2100-01-01T00:00:00.000Z' });
    expect([first.startsAt, first.endsAt]).toEqual(['2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z']);
    const last = await addReward(t, program.id, { ...rule, startsAt: '2100-01-01T00:00:00.000Z' });
    expect([last.startsAt, last.endsAt]).toEqual(['2100-01-01T00:00:00.000Z', null]);
    expect((await t.json('GET', base)).body.data.map((r: any) => r.id).sort()).toEqual([first.id, last.id].sort());
  });

  it('refuses endsAt not after startsAt on create', async () => {
    const { t, program } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    for (const endsAt of ['2026-03-01T00:00:00.000Z', '2026-02-28T23:59:59.999Z']) {
      const r = await t.json('POST', base, { event: 'sale', type: 'fixed', amount: 1000, startsAt: '2026-03-01T00:00:00.000Z', endsAt });
      expectApiError(r, 422, 'validation_failed', 'endsAt');
      expect(r.body.error.message).toBe('endsAt: must be after startsAt 2026-03-01T00:00:00.000Z');
    }
    expect((await t.json('GET', base)).body.data).toEqual([]);
    // One millisecond is enough.
    await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, startsAt: '2026-03-01T00:00:00.000Z', endsAt: '2026-03-01T00:00:00.001Z' });
  });

  it('checks a PATCH against the stored rule: a new endsAt before the stored startsAt (or the reverse) is refused and changes nothing', async () => {
    const { t, program, partner } = await setup();
    const base = `/v1/programs/${program.id}/rewards`;
    const rule = await addReward(t, program.id, { event: 'sale', type: 'fixed', amount: 1000, startsAt: '2026-02-01T00:00:00.000Z', endsAt: '2026-04-01T00:00:00.000Z' });
    const url = `${base}/${rule.id}`;

    const ends = await t.json('PATCH', url, { endsAt: '2026-01-15T00:00:00.000Z' });
    expectApiError(ends, 422, 'validation_failed', 'endsAt');
    expect(ends.body.error.message).toBe('endsAt: must be after startsAt 2026-02-01T00:00:00.000Z');
    const starts = await t.json('PATCH', url, { startsAt: '2026-04-01T00:00:00.000Z', amount: 2000 });
    expectApiError(starts, 422, 'validation_failed', 'startsAt');
    expect(starts.body.error.message).toBe('startsAt: must be before endsAt 2026-04-01T00:00:00.000Z');
    for (const [field, value] of [['startsAt', '0001-01-01T00:00:00Z'], ['endsAt', '9999-01-01T00:00:00Z'], ['endsAt', '2100-01-01T00:00:00.001Z']] as const) {
      const r = await t.json('PATCH', url, { [field]: value });
      expectApiError(r, 422, 'validation_failed', field);
      expect(r.body.error.reason).toBe('date_out_of_range');
    }
    const stored = (await t.json('GET', url)).body;
    expect([stored.startsAt, stored.endsAt, stored.amount, stored.updatedAt]).toEqual(['2026-02-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', 1000, rule.updatedAt]);

    // Both moved together, or one removed, is fine; the rule then pays by its new dates.
    const both = await t.json('PATCH', url, { startsAt: '2025-01-01T00:00:00.000Z', endsAt: '2025-06-01T00:00:00.000Z' });
    expect([both.status, both.body.startsAt, both.body.endsAt]).toEqual([200, '2025-01-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z']);
    const open = await t.json('PATCH', url, { endsAt: null, startsAt: '2026-03-01T12:00:00.000Z' });
    expect([open.status, open.body.startsAt, open.body.endsAt]).toEqual([200, '2026-03-01T12:00:00.000Z', null]);
    await leadByCode(t, partner.code, 'cus_1');
    expect((await sale(t, program.id, 'cus_1', 4900)).commissions.map((c: any) => c.amount)).toEqual([1000]);
  });
});
