import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app';
import { countRows, createProgram, expectApiError } from './support';

const GENERATED_CODE = /^[23456789abcdefghjkmnpqrstuvwxyz]{8}$/;

let t: TestApp;
let program: { id: string; defaultUrl: string };
beforeEach(async () => {
  t = await makeApp();
  program = await createProgram(t);
});

const enrol = (body: Record<string, unknown>, programId = program.id) => t.json('POST', `/v1/programs/${programId}/partners`, body);
const jane = { name: 'Jane Doe', email: 'Jane@Partner.test' };

describe('partners — happy', () => {
  it('POST → 201 with a generated referral code and a default link', async () => {
    const r = await enrol({ ...jane, externalId: 'crm-1' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^ptn_[A-Za-z0-9]{20}$/),
      programId: program.id,
      name: 'Jane Doe',
      email: 'jane@partner.test',
      externalId: 'crm-1',
      code: expect.stringMatching(GENERATED_CODE),
      status: 'active',
      payoutMethod: null,
      payoutDetails: null,
      payoutDetailsUpdatedAt: null,
      createdAt: t.now.toISOString(),
      updatedAt: t.now.toISOString(),
      defaultLink: expect.objectContaining({
        id: expect.stringMatching(/^lnk_/),
        programId: program.id,
        code: r.body.code,
        url: program.defaultUrl,
        shortUrl: `https://ref.test/${r.body.code}`,
        archived: false,
      }),
    });
    expect(r.body.defaultLink.partnerId).toBe(r.body.id);
    expect(await countRows(t, 'partners')).toBe(1);
    expect(await countRows(t, 'links')).toBe(1);
  });

  it('generated codes are distinct across partners', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) codes.add((await enrol({ name: `P${i}`, email: `p${i}@x.test` })).body.code);
    expect(codes.size).toBe(20);
    for (const c of codes) expect(c).toMatch(GENERATED_CODE);
  });

  it('a free vanity code is used as given', async () => {
    const r = await enrol({ ...jane, code: 'Jane-2026' });
    expect(r.status).toBe(201);
    expect(r.body.code).toBe('Jane-2026');
    expect(r.body.defaultLink.code).toBe('Jane-2026');
    expect(r.body.defaultLink.shortUrl).toBe('https://ref.test/Jane-2026');
  });

  it('a taken vanity code (any case) falls back to a generated one', async () => {
    await enrol({ ...jane, code: 'jane' });
    const r = await enrol({ name: 'Other Jane', email: 'other@x.test', code: 'JANE' });
    expect(r.status).toBe(201);
    expect(r.body.code).toMatch(GENERATED_CODE);
  });

  it('GET /v1/partners/:id and PATCH status active|suspended', async () => {
    const created = await enrol(jane);
    const { defaultLink, ...partner } = created.body;
    expect((await t.json('GET', `/v1/partners/${partner.id}`)).body).toEqual(partner);
    t.advance(1000);
    const s = await t.json('PATCH', `/v1/partners/${partner.id}`, { status: 'suspended', email: 'NEW@x.test' });
    expect(s.status).toBe(200);
    expect(s.body).toEqual({ ...partner, status: 'suspended', email: 'new@x.test', updatedAt: t.now.toISOString() });
    const a = await t.json('PATCH', `/v1/partners/${partner.id}`, { status: 'active' });
    expect(a.body.status).toBe('active');
  });

  it('lists 5 partners with limit 2 → 2, 2, 1, then a null cursor, no duplicates', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await enrol({ name: `P${i}`, email: `p${i}@x.test` })).body.id);
    // Same clock for all five: paging must still be exact (tie broken by id).
    const sizes: number[] = [];
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const q: string = cursor ? `limit=2&cursor=${encodeURIComponent(cursor)}` : 'limit=2';
      const r = await t.json('GET', `/v1/programs/${program.id}/partners?${q}`);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(['data', 'nextCursor']);
      sizes.push(r.body.data.length);
      seen.push(...r.body.data.map((p: { id: string }) => p.id));
      cursor = r.body.nextCursor;
      if (cursor === null) break;
    }
    expect(sizes).toEqual([2, 2, 1]);
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort()).toEqual([...ids].sort());
  });
});

describe('partners — errors', () => {
  it('duplicate externalId in a program → 409, nothing written', async () => {
    await enrol({ ...jane, externalId: 'crm-1' });
    const r = await enrol({ name: 'Again', email: 'again@x.test', externalId: 'crm-1' });
    expectApiError(r, 409, 'conflict');
    expect(r.body.error.reason).toBe('duplicate_external_id');
    expect(await countRows(t, 'partners')).toBe(1);
    expect(await countRows(t, 'links')).toBe(1);
  });

  it('the same externalId in another program is fine', async () => {
    const other = await createProgram(t, { name: 'Other' });
    await enrol({ ...jane, externalId: 'crm-1' });
    expect((await enrol({ ...jane, externalId: 'crm-1' }, other.id)).status).toBe(201);
  });

  it.each(['v1', 'portal', 'health', 'api', 'js', 'assets', 'V1', 'Portal', 'HEALTH'])('reserved code %j → 422 field code', async (code) => {
    expectApiError(await enrol({ ...jane, code }), 422, 'validation_failed', 'code');
    expect(await countRows(t, 'partners')).toBe(0);
    expect(await countRows(t, 'links')).toBe(0);
  });

  it.each(['a', '-abc', 'has space', 'emoji🙂', 'x'.repeat(51), 'a/b', 'a.b'])('malformed code %j → 422 field code', async (code) => {
    expectApiError(await enrol({ ...jane, code }), 422, 'validation_failed', 'code');
    expect(await countRows(t, 'partners')).toBe(0);
  });

  it('missing or invalid fields → 422 naming the field', async () => {
    expectApiError(await enrol({ email: 'a@b.test' }), 422, 'validation_failed', 'name');
    expectApiError(await enrol({ name: 'A', email: 'not-an-email' }), 422, 'validation_failed', 'email');
    expectApiError(await enrol({ ...jane, externalId: '' }), 422, 'validation_failed', 'externalId');
    expect(await countRows(t, 'partners')).toBe(0);
  });

  it('unknown program → 404; unknown partner → 404', async () => {
    expectApiError(await enrol(jane, 'prg_missing'), 404, 'not_found');
    expectApiError(await t.json('GET', '/v1/programs/prg_missing/partners'), 404, 'not_found');
    expectApiError(await t.json('GET', '/v1/partners/ptn_missing'), 404, 'not_found');
    expectApiError(await t.json('PATCH', '/v1/partners/ptn_missing', { name: 'x' }), 404, 'not_found');
    expect(await countRows(t, 'partners')).toBe(0);
  });

  it('PATCH with an invalid status → 422 field status', async () => {
    const p = await enrol(jane);
    expectApiError(await t.json('PATCH', `/v1/partners/${p.body.id}`, { status: 'banned' }), 422, 'validation_failed', 'status');
    expect((await t.json('GET', `/v1/partners/${p.body.id}`)).body.status).toBe('active');
  });
});

describe('partners — security', () => {
  it('a program lists only its own partners', async () => {
    const other = await createProgram(t, { name: 'Other' });
    await enrol(jane);
    await enrol({ name: 'Mallory', email: 'm@x.test' }, other.id);
    const a = await t.json('GET', `/v1/programs/${program.id}/partners`);
    expect(a.body.data.map((p: { name: string }) => p.name)).toEqual(['Jane Doe']);
    const b = await t.json('GET', `/v1/programs/${other.id}/partners`);
    expect(b.body.data.map((p: { name: string }) => p.name)).toEqual(['Mallory']);
  });

  it('PATCH cannot change code, programId or id', async () => {
    const p = await enrol(jane);
    for (const patch of [{ code: 'mine' }, { programId: 'prg_other' }, { id: 'ptn_x' }]) {
      expectApiError(await t.json('PATCH', `/v1/partners/${p.body.id}`, patch), 422, 'validation_failed');
    }
  });
});
