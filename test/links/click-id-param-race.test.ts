import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, InStatement } from '@libsql/client';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { createLink, rawClient, rawRows } from '../foundation/support';

/**
 * A link write and a clickIdParam rename racing, in both orders, on a real libSQL database. Each
 * interleaving is made deterministic by running one request's write from inside the other: just
 * before the first statement of the other that matches a pattern reaches the database.
 */
let t: TestApp;
let program: { id: string };
let partner: { id: string };
let restore: () => void = () => {};
beforeEach(async () => {
  t = await makeApp();
  ({ program, partner } = await seedProgram(t));
});
afterEach(() => restore());

const sqlOf = (s: InStatement) => (typeof s === 'string' ? s : s.sql);

/** Runs `cut` (once per entry, in order) just before the next statement matching `pattern` is executed, alone or in a batch. */
function cutIn(pattern: RegExp, ...cuts: (() => Promise<unknown>)[]) {
  const client = rawClient(t) as Client;
  const { execute, batch } = client;
  const before = async (sqls: string[]) => {
    if (cuts.length > 0 && sqls.some((s) => pattern.test(s))) await cuts.shift()!();
  };
  client.execute = (async (stmt: InStatement, args?: unknown) => {
    await before([sqlOf(stmt)]);
    return (execute as (s: InStatement, a?: unknown) => Promise<unknown>).call(client, stmt, args);
  }) as Client['execute'];
  client.batch = (async (stmts: InStatement[], mode?: unknown) => {
    await before(stmts.map(sqlOf));
    return (batch as (s: InStatement[], m?: unknown) => Promise<unknown>).call(client, stmts, mode);
  }) as Client['batch'];
  restore = () => Object.assign(client, { execute, batch });
  return () => expect(cuts).toHaveLength(0); // every cut ran
}

const rename = (clickIdParam: string) => t.json('PATCH', `/v1/programs/${program.id}`, { clickIdParam });
const lateLinks = async () => (await rawRows(t, 'links')).filter((l) => l.code === 'late').map((l) => l.url);
const clickIdParamNow = async () => (await rawRows(t, 'programs')).find((p) => p.id === program.id)!.click_id_param;
const clashBody = (r: { body: any }, field: string, name: string, param: string) =>
  expect(r.body).toEqual({
    error: {
      code: 'validation_failed',
      message: `${field}: the destination already has a "${name}" parameter, which the click id parameter "${param}" would overwrite`,
      requestId: expect.any(String),
      reason: 'click_id_param_clash',
      field,
    },
  });

describe('a link checked against the old name, written after the rename', () => {
  it('POST: the insert finds the name changed, checks again against "ref" → 422, nothing stored', async () => {
    let renamed: any;
    const ran = cutIn(/^insert into "links"/i, async () => (renamed = await rename('ref')));
    const r = await t.json('POST', `/v1/partners/${partner.id}/links`, { url: 'https://shop.acme.test/?ref=spring', code: 'late' });
    ran();
    expect(renamed.status).toBe(200); // the rename's scan ran before the link existed
    expect(r.status).toBe(422);
    clashBody(r, 'url', 'ref', 'ref');
    expect(await lateLinks()).toEqual([]);
    expect(await clickIdParamNow()).toBe('ref');
  });

  it('POST: a link clear of the new name is written after the check against it', async () => {
    const ran = cutIn(/^insert into "links"/i, () => rename('ref'));
    const r = await t.json('POST', `/v1/partners/${partner.id}/links`, { url: 'https://shop.acme.test/?referrer=1', code: 'late' });
    ran();
    expect(r.status).toBe(201);
    expect(await lateLinks()).toEqual(['https://shop.acme.test/?referrer=1']);
    expect(await clickIdParamNow()).toBe('ref');
  });

  it('PATCH url: the update finds the name changed, checks again → 422, the link unchanged', async () => {
    const link = await createLink(t, partner.id, { url: 'https://shop.acme.test/a', code: 'old' });
    const ran = cutIn(/^update "links"/i, () => rename('ref'));
    const r = await t.json('PATCH', `/v1/links/${link.id}`, { url: 'https://shop.acme.test/a?REF=x' });
    ran();
    expect(r.status).toBe(422);
    clashBody(r, 'url', 'REF', 'ref');
    expect((await t.json('GET', `/v1/links/${link.id}`)).body).toEqual(link);
    expect(await clickIdParamNow()).toBe('ref');
  });

  it('renamed twice while it is checked → 409 contention, nothing stored', async () => {
    const ran = cutIn(/^insert into "links"/i, () => rename('abc'), () => rename('def'));
    const r = await t.json('POST', `/v1/partners/${partner.id}/links`, { url: 'https://shop.acme.test/?x=1', code: 'late' });
    ran();
    expect(r.status).toBe(409);
    expect(r.body).toEqual({
      error: {
        code: 'conflict',
        message: "the program's clickIdParam or a link's destination changed while this request was checked; retry the request",
        requestId: expect.any(String),
        reason: 'contention',
      },
    });
    expect(await lateLinks()).toEqual([]);
    expect(await clickIdParamNow()).toBe('def');
  });
});

describe('a rename whose scan ran before a link was written', () => {
  const conflict = (ids: string[]) => ({
    error: {
      code: 'conflict',
      message: `clickIdParam: ${ids.length} link(s) of this program already have a "ref" parameter in their url or utm, which the click id would overwrite (${ids.join(', ')}); change those links first or choose another name`,
      requestId: expect.any(String),
      reason: 'click_id_param_clash',
    },
  });

  it('POST: the link is written (checked against "rcid"), the rename finds it on its second scan → 409, "rcid" kept', async () => {
    let created: any;
    const ran = cutIn(/^update "programs"/i, async () => (created = await t.json('POST', `/v1/partners/${partner.id}/links`, { url: 'https://shop.acme.test/?ref=spring', code: 'early' })));
    const r = await rename('ref');
    ran();
    expect(created.status).toBe(201);
    expect(r.status).toBe(409);
    expect(r.body).toEqual(conflict([created.body.id]));
    expect(await clickIdParamNow()).toBe('rcid');
  });

  it('PATCH url: the changed link moves above the scan, so the rename sees it → 409, "rcid" kept', async () => {
    const link = await createLink(t, partner.id, { url: 'https://shop.acme.test/a', code: 'old' });
    await createLink(t, partner.id, { url: 'https://shop.acme.test/b', code: 'newer' }); // `old` is not the highest row
    let patched: any;
    const ran = cutIn(/^update "programs"/i, async () => (patched = await t.json('PATCH', `/v1/links/${link.id}`, { url: 'https://shop.acme.test/a?ref=1' })));
    const r = await rename('ref');
    ran();
    expect(patched.status).toBe(200);
    expect(r.status).toBe(409);
    expect(r.body).toEqual(conflict([link.id]));
    expect(await clickIdParamNow()).toBe('rcid');
  });

  it('a link written meanwhile that only looks like it names "ref" costs one more scan, then the rename applies', async () => {
    const ran = cutIn(/^update "programs"/i, () => createLink(t, partner.id, { url: 'https://shop.acme.test/?referrer=x&q=a%20b', code: 'near' }));
    const r = await rename('ref');
    ran();
    expect(r.status).toBe(200);
    expect(r.body.clickIdParam).toBe('ref');
  });

  it('a defaultUrl given the new name meanwhile is checked on the second attempt → 422 on clickIdParam', async () => {
    let patched: any;
    const ran = cutIn(/^update "programs"/i, async () => (patched = await t.json('PATCH', `/v1/programs/${program.id}`, { defaultUrl: 'https://acme.test/signup?ref=home' })));
    const r = await rename('ref');
    ran();
    expect(patched.status).toBe(200);
    expect(r.status).toBe(422);
    clashBody(r, 'clickIdParam', 'ref', 'ref');
    expect(await clickIdParamNow()).toBe('rcid');
  });
});

describe('a program PATCH that checks no clickIdParam, written after a checked one', () => {
  const programNow = async () => (await rawRows(t, 'programs')).find((p) => p.id === program.id)!;

  it('a name-only PATCH read the old defaultUrl: it does not write it back over a rename that moved it clear', async () => {
    expect((await t.json('PATCH', `/v1/programs/${program.id}`, { defaultUrl: 'https://acme.test/signup?ref=home' })).status).toBe(200);
    let checked: any;
    const ran = cutIn(/^update "programs"/i, async () => (checked = await t.json('PATCH', `/v1/programs/${program.id}`, { defaultUrl: 'https://acme.test/signup', clickIdParam: 'ref' })));
    const r = await t.json('PATCH', `/v1/programs/${program.id}`, { name: 'Renamed' });
    ran();
    expect(checked.status).toBe(200);
    expect(r.status).toBe(200);
    const row = await programNow();
    // Before: the name-only PATCH wrote its stale defaultUrl (…?ref=home) back next to clickIdParam "ref"
    expect({ name: row.name, defaultUrl: row.default_url, clickIdParam: row.click_id_param }).toEqual({ name: 'Renamed', defaultUrl: 'https://acme.test/signup', clickIdParam: 'ref' });
    expect(r.body).toMatchObject({ name: 'Renamed', defaultUrl: 'https://acme.test/signup', clickIdParam: 'ref' });
  });

  it('an allowedHosts PATCH checked the old defaultUrl: a defaultUrl moved off the new hosts meanwhile is checked again → 422', async () => {
    let moved: any;
    const ran = cutIn(/^update "programs"/i, async () => (moved = await t.json('PATCH', `/v1/programs/${program.id}`, { defaultUrl: 'https://shop.acme.test/signup' })));
    const r = await t.json('PATCH', `/v1/programs/${program.id}`, { allowedHosts: ['acme.test'] });
    ran();
    expect(moved.status).toBe(200);
    expect(r.status).toBe(422);
    const row = await programNow();
    expect({ defaultUrl: row.default_url, allowedHosts: JSON.parse(String(row.allowed_hosts)) }).toEqual({ defaultUrl: 'https://shop.acme.test/signup', allowedHosts: ['acme.test', '*.acme.test'] });
  });
});

describe('a partner enrolled while a rename moves the defaultUrl', () => {
  it('its default link, built from the defaultUrl read before the rename, is built again from the program as it now is', async () => {
    expect((await t.json('PATCH', `/v1/programs/${program.id}`, { defaultUrl: 'https://acme.test/signup?ref=home' })).status).toBe(200);
    let renamed: any;
    const ran = cutIn(/^insert into "partners"/i, async () => (renamed = await t.json('PATCH', `/v1/programs/${program.id}`, { defaultUrl: 'https://acme.test/signup', clickIdParam: 'ref' })));
    const r = await t.json('POST', `/v1/programs/${program.id}/partners`, { name: 'Late Partner', email: 'late@partner.test' });
    ran();
    expect(renamed.status).toBe(200);
    expect(r.status).toBe(201);
    // Before: the link was stored with …?ref=home while the program's clickIdParam was "ref"
    const urls = (await rawRows(t, 'links')).filter((l) => l.partner_id === r.body.id).map((l) => l.url);
    expect(urls).toEqual(['https://acme.test/signup']);
    expect(await clickIdParamNow()).toBe('ref');
  });
});
