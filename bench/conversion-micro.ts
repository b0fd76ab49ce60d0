// In-process CPU cost of POST /v1/track/sale or /v1/track/lead (no HTTP, no load generator): steadier
// than conversions/s on a shared machine.
// npx tsx bench/conversion-micro.ts [count=3000] [concurrency=16] [kind=sale|lead]
// KEY=scoped: conversions sent with a stored `rk_` key (conversions:write) instead of the root key;
// IDEMPOTENCY=1: each with its own Idempotency-Key header.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeRuntime } from '../src/node-runtime';
import { SALE_RULE } from './sales';

const total = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 16);
const kind = process.argv[4] === 'lead' ? 'lead' : 'sale';
const dir = mkdtempSync(join(tmpdir(), 'reflink-micro-'));
const rt = await createNodeRuntime({ databaseUrl: join(dir, 'm.db'), env: { ADMIN_API_KEY: 'bench-admin-key-0123456789abcdefgh', VISITOR_SALT: 's', RATE_LIMIT_PER_SECOND: '0' }, clickWriter: 'inline' });
let token = 'bench-admin-key-0123456789abcdefgh';
let calls = 0;
const call = async (path: string, body: unknown) => {
  const headers: Record<string, string> = { authorization: `Bearer ${path.startsWith('/v1/track/') ? token : 'bench-admin-key-0123456789abcdefgh'}`, 'content-type': 'application/json' };
  if (process.env.IDEMPOTENCY && path.startsWith('/v1/track/')) headers['idempotency-key'] = `call-${calls++}`;
  const res = await rt.app.request(path, { method: 'POST', headers, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${path} ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};
try {
  const program = await call('/v1/programs', { name: 'B', currency: 'EUR', defaultUrl: 'https://shop.test/', allowedHosts: ['shop.test'], holdDays: 0 });
  const codes: string[] = [];
  for (let i = 0; i < 20; i++) codes.push((await call(`/v1/programs/${program.id}/partners`, { name: `P${i}`, email: `p${i}@p.test` })).code);
  await call(`/v1/programs/${program.id}/rewards`, SALE_RULE);
  if (process.env.KEY === 'scoped') token = (await call('/v1/api-keys', { name: 'tracking', scopes: ['conversions:write'] })).key;
  let leads = 0;
  const lead = () => call('/v1/track/lead', { code: codes[leads % 20], programId: program.id, customer: { externalId: `cust-${leads++}` } });
  for (let i = 0; i < 2000; i++) await lead();
  let n = 0;
  const sale = () => call('/v1/track/sale', { programId: program.id, customerExternalId: `cust-${n % 2000}`, externalId: `inv-${n++}`, amount: 4900, currency: 'EUR' });
  const one = kind === 'lead' ? lead : sale;
  for (let i = 0; i < 300; i++) await one(); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let left = total;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (left-- > 0) await one(); }));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ kind, count: total, wallMsPerCall: +(ms / total).toFixed(3), cpuMsPerCall: +((cpu.user + cpu.system) / 1000 / total).toFixed(3), perSecond: Math.round(total / (ms / 1000)) }));
} finally {
  await rt.close();
  rmSync(dir, { recursive: true, force: true });
}
