import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { schema, type Db } from '../../src/db/client';
import { findLink, insertLinkIfClickIdParam, linksHighWater, noLinkMayNameSince, updateLinkIfClickIdParam } from '../../src/db/queries/links';
import { findProgram, updateProgramIf } from '../../src/db/queries/programs';
import { json, seed } from './helpers';

const d1 = () => drizzle(env.DB, { schema }) as unknown as Db;
const rowidOf = async (id: string) => (await env.DB.prepare('select rowid as r, (select max(rowid) from links) as m from links where id = ?').bind(id).first<{ r: number; m: number }>())!;

/** The conditional writes that close the link / clickIdParam-rename race, as D1 runs them. */
describe('clickIdParam guards on workerd with D1', () => {
  it('a link insert or url change checked against a name the program no longer has writes nothing', async () => {
    const { program, partner, link } = await seed();
    const db = d1();
    const row = { ...(await findLink(db, link.id))!, id: 'lnk_d1_stale', code: 'd1stale', codeKey: 'd1stale' };
    expect(await insertLinkIfClickIdParam(db, row, 'ref')).toBe(false);
    expect(await findLink(db, 'lnk_d1_stale')).toBeNull();
    expect(await insertLinkIfClickIdParam(db, row, 'rcid')).toBe(true);
    expect(await findLink(db, 'lnk_d1_stale')).toEqual(row);

    expect(await updateLinkIfClickIdParam(db, { id: link.id, programId: program.id }, { url: 'https://acme.test/?ref=1' }, 'ref')).toBeNull();
    expect((await findLink(db, link.id))!.url).toBe('https://www.acme.test/pricing?plan=pro');
    const before = await rowidOf(link.id);
    expect(before.r).toBeLessThan(before.m);
    // Through the app: a url change is written and the row moves to the highest rowid.
    const patched = await json('PATCH', `/v1/links/${link.id}`, { url: 'https://www.acme.test/pricing?plan=team' });
    expect(patched.status).toBe(200);
    expect(patched.body.url).toBe('https://www.acme.test/pricing?plan=team');
    const after = await rowidOf(link.id);
    expect(after).toEqual({ r: before.m + 1, m: before.m + 1 });
    expect((await json('POST', `/v1/partners/${partner.id}/links`, { url: 'https://acme.test/?RCID=1' })).body.error.reason).toBe('click_id_param_clash');
  });

  it('a rename whose scan ran before a link naming it was written applies to nothing; the API then answers 409', async () => {
    const { program, partner } = await seed();
    const db = d1();
    const current = (await findProgram(db, program.id))!;
    const highWater = await linksHighWater(db);
    const created = await json('POST', `/v1/partners/${partner.id}/links`, { url: 'https://acme.test/?ref=spring', code: 'd1ref' });
    expect(created.status).toBe(201);
    expect(await updateProgramIf(db, current, { clickIdParam: 'ref' }, noLinkMayNameSince(program.id, 'ref', highWater))).toBeNull();
    expect((await findProgram(db, program.id))!.clickIdParam).toBe('rcid');
    const r = await json('PATCH', `/v1/programs/${program.id}`, { clickIdParam: 'ref' });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'conflict', reason: 'click_id_param_clash' });
    expect(r.body.error.message).toContain(`1 link(s) of this program already have a "ref" parameter`);
    // Unrelated names rename fine, under the same guard.
    expect((await json('PATCH', `/v1/programs/${program.id}`, { clickIdParam: 'via' })).body.clickIdParam).toBe('via');
  });
});
