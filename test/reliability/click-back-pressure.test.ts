import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startServer } from '../helpers/server';
import type { BufferedClickSink } from '../../src/clicks/buffered-click-sink';
import type { ThreadClickSink } from '../../src/clicks/thread-click-sink';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The click buffer is bounded: past maxBuffered uncommitted clicks a redirect waits for the writer
// (which, at its default nice 19, is how a starved writer gets the CPU back), never more memory.
describe.each(['thread', 'inline'] as const)('click back-pressure (%s writer)', (clickWriter) => {
  it('holds redirects once maxBuffered clicks are uncommitted and answers them when the writer commits', async () => {
    // The writer would commit at 500 clicks or after 60 s: neither happens before flush().
    const s = await startServer({ clickWriter, clickBuffer: { maxBuffered: 100, maxBatch: 500, flushEveryMs: 60_000 } });
    try {
      const program = await s.json('POST', '/v1/programs', { name: 'B', currency: 'EUR', defaultUrl: 'https://b.test/', allowedHosts: ['b.test'] });
      const partner = await s.json('POST', `/v1/programs/${program.body.id}/partners`, { name: 'P', email: 'p@b.test' });
      const sink = s.clickSink as ThreadClickSink | BufferedClickSink;
      const hit = () => fetch(`${s.base}/${partner.body.defaultLink.code}`, { redirect: 'manual' });
      for (let i = 0; i < 100; i++) expect((await hit()).status).toBe(302);
      expect(sink.pending).toBe(100);

      let answered: number | null = null;
      const held = hit().then((r) => (answered = r.status));
      await sleep(300);
      expect(answered).toBeNull(); // the 101st click is buffered, its redirect waits
      expect(sink.pending).toBe(101);

      await s.clickSink.flush();
      await held;
      expect(answered).toBe(302);
      expect(sink.pending).toBe(0);
      const [row] = await s.db.all<{ n: number }>(sql`select count(*) as n from clicks`);
      expect(Number(row!.n)).toBe(101);
    } finally {
      await s.stop();
    }
  });
});
