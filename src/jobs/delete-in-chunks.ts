/** Rows one statement deletes: a short write, so requests writing the same table meanwhile wait little. */
export const EXPIRED_ROWS_CHUNK = 500;
/** Chunks one run deletes at most (50,000 rows); what is left goes at the next run. */
export const EXPIRED_ROWS_MAX_CHUNKS = 100;

/**
 * Runs `deleteChunk(chunk)` until it deletes fewer than `chunk` rows or EXPIRED_ROWS_MAX_CHUNKS
 * chunks have run. Returns how many rows went.
 */
export async function deleteInChunks(deleteChunk: (limit: number) => Promise<number>, chunk = EXPIRED_ROWS_CHUNK): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < EXPIRED_ROWS_MAX_CHUNKS; i++) {
    const n = await deleteChunk(chunk);
    deleted += n;
    if (n < chunk) break;
  }
  return deleted;
}
