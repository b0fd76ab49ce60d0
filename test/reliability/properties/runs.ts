/**
 * numRuns scaled by PROPERTY_RUNS_SCALE (default 1), for an occasional deep run:
 * `PROPERTY_RUNS_SCALE=10 npx vitest run test/reliability/properties`.
 * A failure prints its seed and path; replay it with `{ seed, path }` in fc.assert's parameters.
 */
const scale = Number(process.env.PROPERTY_RUNS_SCALE ?? 1);
const factor = Number.isFinite(scale) && scale > 0 ? scale : 1;

export function runs(n: number): number {
  return Math.max(1, Math.round(n * factor));
}

/** A test timeout that grows with the number of runs. */
export function timeout(ms: number): number {
  return Math.round(ms * Math.max(1, factor));
}
