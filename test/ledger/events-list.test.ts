import { describe, expect, it } from 'vitest';
import { expectApiError } from '../foundation/support';
import { customEvent, sale, setup } from '../conversions/support';

// GET /v1/events — keyset pages on (createdAt, id), newest first.
describe('GET /v1/events', () => {
  it('pages through events sharing one timestamp without duplicates or gaps, and never another program', async () => {
    const { t, program } = await setup();
    const other = await t.json('POST', '/v1/programs', { name: 'Other', currency: 'EUR', defaultUrl: 'https://b.test/', allowedHosts: ['b.test'] });
    // The test clock stands still: every event below has the same createdAt.
    const mine: string[] = [];
    for (let i = 0; i < 7; i++) {
      mine.push((await sale(t, program.id, `c${i}`, 100 + i)).event.id);
      await sale(t, other.body.id, `c${i}`, 100 + i);
    }
    mine.push((await customEvent(t, program.id, 'c0', 'demo_requested', { externalId: 'd1' })).event.id);
    for (const limit of [1, 2, 3, 7, 8]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const qs: URLSearchParams = new URLSearchParams({ programId: program.id, limit: String(limit), ...(cursor ? { cursor } : {}) });
        const r: { status: number; body: any } = await t.json('GET', `/v1/events?${qs}`);
        expect(r.status).toBe(200);
        expect(r.body.data.length).toBeLessThanOrEqual(limit);
        for (const e of r.body.data) expect(e.programId).toBe(program.id);
        seen.push(...r.body.data.map((e: { id: string }) => e.id));
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(8);
      expect(new Set(seen)).toEqual(new Set(mine));
      expect([...seen]).toEqual([...mine].sort().reverse());
    }
    // customerExternalId narrows within the program.
    const c0 = await t.json('GET', `/v1/events?programId=${program.id}&customerExternalId=c0`);
    expect(c0.body.data.map((e: { name: string }) => e.name).sort()).toEqual(['demo_requested', 'sale']);
  });

  it('filters as tracking stored them: customerExternalId trimmed; an empty filter is 422, never "everything"', async () => {
    const { t, program } = await setup();
    await sale(t, program.id, 'c0', 100);
    await sale(t, program.id, 'c1', 100);
    const padded = await t.json('GET', `/v1/events?programId=${program.id}&customerExternalId=${encodeURIComponent(' c0 ')}`);
    expect(padded.body.data.map((e: { customerExternalId: string }) => e.customerExternalId)).toEqual(['c0']);
    expectApiError(await t.json('GET', `/v1/events?programId=${program.id}&customerExternalId=`), 422, 'validation_failed', 'customerExternalId');
    expectApiError(await t.json('GET', `/v1/events?programId=&customerExternalId=c0`), 422, 'validation_failed', 'programId');
  });

  it.each([
    ['not base64', '!!!!'],
    ['base64 of text', btoa('hello')],
    ['no id', btoa('1772366400000:')],
    ['negative time', btoa('-1:evt_x')],
    ['id with a quote', btoa("1772366400000:evt_x' or 1=1")],
    ['non-latin1', 'é'],
    ['too long', 'A'.repeat(201)],
  ])('a malformed cursor (%s) → 422 naming cursor, never a 500', async (_name, cursor) => {
    const { t } = await setup();
    const r = await t.json('GET', `/v1/events?cursor=${encodeURIComponent(cursor)}`);
    expectApiError(r, 422, 'validation_failed', 'cursor');
  });
});
