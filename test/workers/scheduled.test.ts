import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../src/worker';
import { DAY, addReward, balance, leadByCode, program, sale } from './tracking';

const CRON = '*/15 * * * *';

/** The cron handler without waiting on its ExecutionContext: what it awaits is all that is done. */
const run = (scheduledTime: number, bindings = env) => worker.scheduled(createScheduledController({ scheduledTime, cron: CRON }), bindings, createExecutionContext());

describe('the Workers cron handler awaits its jobs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has approved a commission whose hold passed when it returns (nothing left to waitUntil)', async () => {
    const { program: p, partner } = await program({ holdDays: 1 });
    await addReward(p.id, { event: 'sale', type: 'fixed', amount: 700 });
    await leadByCode(partner.code, 'cus_1');
    const s = await sale(p.id, 'cus_1', 'ord_1', 9900);
    expect(await balance(partner.id)).toEqual({ pending: 700, approved: 0, paid: 0 });
    await expect(run(new Date(s.commissions[0].holdUntil).getTime() + DAY)).resolves.toBeUndefined();
    expect(await balance(partner.id)).toEqual({ pending: 0, approved: 700, paid: 0 });
  });

  it('fails the invocation when a job fails, after logging the error', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    // D1 unreachable: every statement fails as D1 does when its connection drops.
    const down = new Proxy(env.DB, {
      get(target, p) {
        if (p === 'prepare' || p === 'batch') return () => { throw new Error('D1_ERROR: Network connection lost.'); };
        const v = Reflect.get(target, p);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const at = Date.UTC(2026, 2, 1, 12, 15);
    await expect(run(at, { ...env, DB: down })).rejects.toThrow('D1_ERROR: Network connection lost.');
    expect(errors.mock.calls).toEqual([['scheduled jobs failed', { cron: CRON, scheduledTime: at, error: 'D1_ERROR: Network connection lost.' }]]);
  });
});
