/** What the redirect hands over: raw request facts, enriched and hashed only when written. */
export interface CapturedClick {
  id: string;
  at: Date;
  linkId: string;
  programId: string;
  partnerId: string;
  dedupWindowSeconds: number;
  /** Held in memory only until the visitor hash is computed; never stored or logged. */
  ip: string | null;
  userAgent: string | null;
  referer: string | null;
  purpose: string | null;
  landingUrl: string;
  country: string | null;
}

export type WaitUntil = (p: Promise<unknown>) => void;

/**
 * Where the redirect puts a click. `capture` must not wait for the database; it returns a promise
 * only when a bounded buffer is full (back-pressure), which the redirect then awaits.
 */
export interface ClickSink {
  /**
   * False when the sink never uses `waitUntil` (Node's buffered writers): the redirect then skips
   * looking for an execution context, which on Node costs a thrown and caught error per request.
   * Absent means true.
   */
  readonly wantsWaitUntil?: boolean;
  capture(click: CapturedClick, waitUntil: WaitUntil | null): void | Promise<void>;
  /** Writes everything still buffered (graceful shutdown, tests). */
  flush(): Promise<void>;
  /** Flushes, then releases what the sink holds (a writer thread); absent when there is nothing to release. */
  close?(): Promise<void>;
}
