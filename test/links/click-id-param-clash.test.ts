import { beforeEach, describe, expect, it } from 'vitest';
import { makeApp, seedProgram, type TestApp } from '../helpers/app';
import { clickIdOf, countRows, createLink, expectApiError, rawClient, rawRows, visit } from '../foundation/support';

/**
 * The program's clickIdParam is set last on the destination (searchParams.set): a link whose url
 * or utm_* already has that parameter would lose its own value at every click. Refused where it is
 * introduced: a link's url/utm (422), a program's defaultUrl (422), a program's new clickIdParam
 * while links carry that name (409).
 */
let t: TestApp;
let program: { id: string };
let partner: { id: string; code: string };
beforeEach(async () => {
  t = await makeApp();
  ({ program, partner } = await seedProgram(t));
});

const clash = (r: { status: number; body: any }, status: number, field?: string) => {
  expectApiError(r, status, status === 409 ? 'conflict' : 'validation_failed', field);
  expect(r.body.error.reason).toBe('click_id_param_clash');
};

describe('links', () => {
  it.each([
    ['https://acme.test/?rcid=spring', 'rcid'],
    ['https://acme.test/p?a=1&RCID=x', 'RCID'],
    ['https://acme.test/?%72cid=x', '%72cid'],
    ['https://acme.test/?r%63id', 'r%63id'],
    ['https://acme.test/?rcid[]=x', 'rcid[]'],
    ['https://acme.test/?a=1;rcid=2', 'a'],
  ])('POST with url %s → 422 on url, nothing stored', async (url, name) => {
    const before = await countRows(t, 'links');
    const r = await t.json('POST', `/v1/partners/${partner.id}/links`, { url, code: 'clash' });
    clash(r, 422, 'url');
    expect(r.body.error.message).toBe(`url: the destination already has a "${name}" parameter, which the click id parameter "rcid" would overwrite`);
    expect(await countRows(t, 'links')).toBe(before);
  });

  it.each(['https://acme.test/?rcidx=1&xrcid=2&r_cid=3', 'https://acme.test/rcid/?a=rcid', 'https://acme.test/#rcid=1'])('POST with url %s → 201', async (url) => {
    const r = await t.json('POST', `/v1/partners/${partner.id}/links`, { url });
    expect(r.status).toBe(201);
  });

  it("a program's own name clashes, rcid then does not; a utm_* name clashes with the link's utm", async () => {
    const { partner: p } = await seedProgram(t, { name: 'Ref', clickIdParam: 'ref' });
    clash(await t.json('POST', `/v1/partners/${p.id}/links`, { url: 'https://shop.acme.test/?ref=spring' }), 422, 'url');
    expect((await t.json('POST', `/v1/partners/${p.id}/links`, { url: 'https://shop.acme.test/?rcid=spring' })).status).toBe(201);
    const { partner: u } = await seedProgram(t, { name: 'Utm', clickIdParam: 'utm_source' });
    const before = await countRows(t, 'links');
    const r = await t.json('POST', `/v1/partners/${u.id}/links`, { utm: { medium: 'email', source: 'nl' } });
    clash(r, 422, 'utm.source');
    expect(r.body.error.message).toBe('utm.source: the destination already has a "utm_source" parameter, which the click id parameter "utm_source" would overwrite');
    expect(await countRows(t, 'links')).toBe(before);
    expect((await t.json('POST', `/v1/partners/${u.id}/links`, { utm: { medium: 'email' } })).status).toBe(201);
  });

  it('PATCH of url or utm into a clash → 422 and the link unchanged; archiving a stored clashing link is accepted', async () => {
    const link = await createLink(t, partner.id, { url: 'https://acme.test/a?plan=pro', code: 'keep' });
    clash(await t.json('PATCH', `/v1/links/${link.id}`, { url: 'https://acme.test/a?Rcid=1', campaign: 'x' }), 422, 'url');
    expect((await t.json('GET', `/v1/links/${link.id}`)).body).toEqual(link);
    const { program: up, partner: u } = await seedProgram(t, { name: 'Utm', clickIdParam: 'utm_campaign' });
    const ul = await createLink(t, u.id, { code: 'ul', utm: { source: 'nl' } });
    clash(await t.json('PATCH', `/v1/links/${ul.id}`, { utm: { campaign: 'spring' } }), 422, 'utm.campaign');
    expect((await t.json('GET', `/v1/links/${ul.id}`)).body).toEqual(ul);
    expect(up.clickIdParam).toBe('utm_campaign');
    // A link stored before the check: only a PATCH that sends url or utm is checked.
    await rawClient(t).execute({ sql: 'update links set url = ? where id = ?', args: ['https://acme.test/a?rcid=old', link.id] });
    const archived = await t.json('PATCH', `/v1/links/${link.id}`, { archived: true, campaign: 'old' });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ archived: true, campaign: 'old', url: 'https://acme.test/a?rcid=old' });
    clash(await t.json('PATCH', `/v1/links/${link.id}`, { utm: null }), 422, 'url');
    expect((await t.json('PATCH', `/v1/links/${link.id}`, { url: 'https://acme.test/a' })).status).toBe(200);
  });
});

describe('programs', () => {
  it('POST with a defaultUrl that has the click id parameter → 422 on defaultUrl, nothing stored', async () => {
    const before = await countRows(t, 'programs');
    const base = { name: 'P', currency: 'EUR', allowedHosts: ['acme.test'] };
    clash(await t.json('POST', '/v1/programs', { ...base, defaultUrl: 'https://acme.test/?RCID=1' }), 422, 'defaultUrl');
    clash(await t.json('POST', '/v1/programs', { ...base, defaultUrl: 'https://acme.test/?ref=1', clickIdParam: 'ref' }), 422, 'defaultUrl');
    expect(await countRows(t, 'programs')).toBe(before);
    expect((await t.json('POST', '/v1/programs', { ...base, defaultUrl: 'https://acme.test/?ref=1' })).status).toBe(201);
  });

  it('PATCH of clickIdParam or defaultUrl into a clash with the defaultUrl → 422, program unchanged', async () => {
    const { program: p } = await seedProgram(t, { name: 'Plan', defaultUrl: 'https://acme.test/signup?plan=pro' });
    const r = await t.json('PATCH', `/v1/programs/${p.id}`, { clickIdParam: 'PLAN', name: 'renamed' });
    clash(r, 422, 'clickIdParam');
    expect(r.body.error.message).toBe('clickIdParam: the destination already has a "plan" parameter, which the click id parameter "PLAN" would overwrite');
    clash(await t.json('PATCH', `/v1/programs/${p.id}`, { defaultUrl: 'https://acme.test/?x=1&rcid=2' }), 422, 'defaultUrl');
    clash(await t.json('PATCH', `/v1/programs/${p.id}`, { defaultUrl: 'https://acme.test/?ref=2', clickIdParam: 'ref' }), 422, 'clickIdParam');
    expect((await t.json('GET', `/v1/programs/${p.id}`)).body).toEqual(p);
  });

  it("PATCH of clickIdParam while links carry that parameter → 409 with their count, nothing changes; allowed once they don't", async () => {
    const a = await createLink(t, partner.id, { url: 'https://shop.acme.test/?ref=spring', code: 'la' });
    const b = await createLink(t, partner.id, { url: 'https://shop.acme.test/x?REF', code: 'lb' });
    await t.json('PATCH', `/v1/links/${b.id}`, { archived: true }); // archived links count: they can be restored
    await createLink(t, partner.id, { url: 'https://shop.acme.test/?referrer=x&ref_id=1', code: 'lc' });
    // Another program's link of the same name does not count.
    const { partner: other } = await seedProgram(t, { name: 'Other' });
    await createLink(t, other.id, { url: 'https://acme.test/?ref=1', code: 'other' });
    const programBefore = (await t.json('GET', `/v1/programs/${program.id}`)).body;
    const r = await t.json('PATCH', `/v1/programs/${program.id}`, { clickIdParam: 'ref', holdDays: 1 });
    clash(r, 409);
    const [first, second] = [a.id, b.id].sort();
    expect(r.body.error.message).toBe(
      `clickIdParam: 2 link(s) of this program already have a "ref" parameter in their url or utm, which the click id would overwrite (${first}, ${second}); change those links first or choose another name`,
    );
    expect((await t.json('GET', `/v1/programs/${program.id}`)).body).toEqual(programBefore);
    expect(clickIdOf(await visit(t, '/la'))).toMatch(/^clk_/);
    expect(new URL((await visit(t, '/la')).headers.get('location')!).searchParams.get('ref')).toBe('spring');

    await t.json('PATCH', `/v1/links/${a.id}`, { url: 'https://shop.acme.test/?from=spring' });
    await t.json('PATCH', `/v1/links/${b.id}`, { url: 'https://shop.acme.test/x' });
    const ok = await t.json('PATCH', `/v1/programs/${program.id}`, { clickIdParam: 'ref' });
    expect(ok.status).toBe(200);
    expect(ok.body.clickIdParam).toBe('ref');
    expect(clickIdOf(await visit(t, '/la'), 'ref')).toMatch(/^clk_/);
    // A case-only change renames no parameter and scans nothing.
    expect((await t.json('PATCH', `/v1/programs/${program.id}`, { clickIdParam: 'REF' })).status).toBe(200);
    expect((await rawRows(t, 'programs')).find((p) => p.id === program.id)!.click_id_param).toBe('REF');
  });

  it('a utm_* clickIdParam counts the links whose utm sets it', async () => {
    await createLink(t, partner.id, { code: 'u1', utm: { source: 'nl', medium: 'email' } });
    await createLink(t, partner.id, { code: 'u2', utm: { medium: 'email' } });
    const r = await t.json('PATCH', `/v1/programs/${program.id}`, { clickIdParam: 'utm_source' });
    clash(r, 409);
    expect(r.body.error.message).toMatch(/^clickIdParam: 1 link\(s\) of this program already have a "utm_source" parameter/);
    expect((await t.json('PATCH', `/v1/programs/${program.id}`, { clickIdParam: 'utm_term' })).status).toBe(200);
  });
});
