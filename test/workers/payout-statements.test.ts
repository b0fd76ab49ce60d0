import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { json, self } from './helpers';
import { addReward, balance, leadByCode, program } from './tracking';

/** Every page of an admin payout statement at `limit`, following nextCursor. */
async function pages(payoutId: string, limit: number) {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const r: any = await json('GET', `/v1/payouts/${payoutId}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.push(r.body);
    cursor = r.body.nextCursor;
  } while (cursor && out.length < 100);
  return out;
}

describe('payout statements and the approval count on workerd with D1', () => {
  it('520 held entries: the job answers {"approved":520}; the admin statement pages to the whole payout; the streamed CSV (2 reads of 500) equals the partner’s, line for line', async () => {
    const { program: p, partner } = await program({ holdDays: 1 });
    for (const amount of [100, 200, 300, 400]) await addReward(p.id, { event: 'lead', type: 'fixed', amount });
    for (let i = 0; i < 130; i++) await leadByCode(partner.code, `cus_${i}`);
    expect((await json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 0 });
    // The hold ends now rather than tomorrow (workerd's clock cannot be moved).
    await env.DB.prepare('update commissions set hold_until = 0 where program_id = ?').bind(p.id).run();
    expect((await json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 520 });
    expect((await json('POST', '/v1/jobs/approve-commissions')).body).toEqual({ approved: 0 });
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 130_000, paid: 0 });

    const built = await json('POST', `/v1/programs/${p.id}/payouts`, {});
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    const [payout] = built.body.data;
    expect([payout.amount, payout.entryCount]).toEqual([130_000, 520]);

    const paged = await pages(payout.id, 200);
    expect(paged.map((x) => x.entries.length)).toEqual([200, 200, 120]);
    const entries = paged.flatMap((x) => x.entries);
    expect(new Set(entries.map((e: any) => e.id)).size).toBe(520);
    expect(entries.reduce((s: number, e: any) => s + e.amount, 0)).toBe(130_000);
    expect(paged.every((x) => x.amount === 130_000 && x.entryCount === 520 && x.period.from === entries[519].createdAt)).toBe(true);
    // D1's SQLite plans a page as a range of the (payout_id, created_at, id) index from the cursor
    // (0012), newest first without a sort, as libSQL does (query-plans.test.ts has the exact SQL).
    const plan = await env.DB.prepare(
      'EXPLAIN QUERY PLAN select id from commissions where payout_id = ? and +partner_id = ? and (created_at, id) < (?, ?) order by created_at desc, id desc limit 501',
    )
      .bind(payout.id, partner.id, Date.now(), 'com_z')
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail)).toEqual(['SEARCH commissions USING INDEX commissions_payout_created_idx (payout_id=? AND (created_at,id)<(?,?))']);
    const bad = await json('GET', `/v1/payouts/${payout.id}?cursor=bm9wZQ`);
    expect([bad.status, bad.body.error.code, bad.body.error.field]).toEqual([422, 'validation_failed', 'cursor']);

    const admin = await self('GET', `/v1/payouts/${payout.id}?format=csv`);
    expect([admin.status, admin.headers.get('content-type'), admin.headers.get('content-disposition')]).toEqual([
      200,
      'text/csv; charset=utf-8',
      `attachment; filename="payout-${payout.id}.csv"`,
    ]);
    const text = await admin.text();
    const lines = text.split('\r\n');
    expect(lines).toHaveLength(1 + 520 + 1);
    expect(lines.slice(1, -1).map((l) => l.split(',')[3])).toEqual(entries.map((e: any) => e.id));
    expect(lines.slice(1, -1).reduce((s, l) => s + Math.round(Number(l.split(',')[6]) * 100), 0)).toBe(130_000);
    const token = (await json('POST', `/v1/partners/${partner.id}/tokens`, {})).body.token;
    const mine = await self('GET', `/v1/me/payouts/${payout.id}?format=csv`, undefined, { authorization: `Bearer ${token}` });
    // The partner's file is the admin's with each explanation in money (the admin reads the stored text)
    // and without the admin's payout-detail columns (none set here: three empty cells).
    const partnerText = await mine.text();
    expect(lines[0]).toMatch(/,explanation,payout_method,payout_details,payout_details_updated_at$/);
    expect(lines[1]).toMatch(/,fixed [1-4]00,,,$/);
    expect(partnerText).toBe(
      text
        .replace(',payout_method,payout_details,payout_details_updated_at\r\n', '\r\n')
        .replace(/,fixed ([1-4]00),,,\r\n/g, (_, n: string) => `,fixed $${(Number(n) / 100).toFixed(2)}\r\n`),
    );
    expect(partnerText.split('\r\n')[1]).toMatch(/,fixed \$[1-4]\.00$/);
  }, 120_000);
});
