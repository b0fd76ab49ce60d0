import type { AppDeps } from '../env';

/**
 * The program's currency (cached), in which its sales — and so percent and refund explanations —
 * are counted. Only for a program the caller already holds (a checked partner token's, a payout's):
 * a missing one is a bug, not a 404.
 */
export async function programCurrency(deps: AppDeps, programId: string): Promise<string> {
  const program = await deps.programCache.program(deps.db, programId);
  if (!program) throw new Error(`program ${programId} not found`);
  return program.currency;
}
