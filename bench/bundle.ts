import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../test/helpers/spawn-server';

/** `wrangler deploy --dry-run --outdir` and the gzip size of the main bundle (the largest .js). */
export function measureBundle() {
  const out = mkdtempSync(join(tmpdir(), 'reflink-bundle-'));
  const r = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`wrangler dry-run failed:\n${r.stderr}\n${r.stdout}`);
  const files = readdirSync(out).filter((f) => /\.m?js$/.test(f));
  const main = files.sort((a, b) => statSync(join(out, b)).size - statSync(join(out, a)).size)[0];
  if (!main) throw new Error(`no bundle in ${out}`);
  const raw = readFileSync(join(out, main));
  const wranglerGzip = /gzip:\s*([\d.]+)\s*KiB/.exec(r.stdout)?.[1];
  return {
    file: main,
    rawKiB: raw.length / 1024,
    gzipKiB: gzipSync(raw, { level: 9 }).length / 1024,
    wranglerGzipKiB: wranglerGzip ? Number(wranglerGzip) : null,
  };
}
