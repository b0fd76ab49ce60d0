import { describeValue } from './describe-value';
import type { Condition, ConversionFacts } from './types';

export type ConditionsResult = { ok: true } | { ok: false; failed: Condition };

type MatchFacts = Pick<ConversionFacts, 'amount' | 'quantity' | 'metadata'>;

/**
 * Checks every condition against the facts; returns the first one that fails.
 * Fields: "amount", "quantity", "metadata.<key>" (dotted paths reach nested objects).
 * eq/neq/in use strict equality (5 !== "5"); gte/lte only match when both sides are numbers.
 * An unknown field or a missing path reads as undefined.
 */
export function matchConditions(
  conditions: readonly Condition[] | null | undefined,
  facts: MatchFacts,
): ConditionsResult {
  for (const condition of conditions ?? []) {
    if (!matchCondition(condition, readField(facts, condition.field))) {
      return { ok: false, failed: condition };
    }
  }
  return { ok: true };
}

export function describeCondition(condition: Condition): string {
  return `${condition.field} ${condition.op} ${describeValue(condition.value)}`;
}

export function readField(facts: MatchFacts, field: string): unknown {
  if (field === 'amount') return facts.amount ?? undefined;
  if (field === 'quantity') return facts.quantity;
  const [root, ...path] = field.split('.');
  if (root !== 'metadata' || path.length === 0) return undefined;
  let current: unknown = facts.metadata;
  for (const key of path) {
    // Own properties only, so "metadata.constructor" never reaches the prototype.
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function matchCondition(condition: Condition, actual: unknown): boolean {
  const { op, value } = condition;
  switch (op) {
    case 'eq':
      return actual === value;
    case 'neq':
      return actual !== value;
    case 'in':
      return Array.isArray(value) && value.some((candidate) => candidate === actual);
    case 'gte':
      return isComparable(actual) && isComparable(value) && actual >= value;
    case 'lte':
      return isComparable(actual) && isComparable(value) && actual <= value;
    default: {
      // Unreachable when typed; a stored rule with an unknown op simply does not match.
      const unknownOp: never = op;
      return unknownOp;
    }
  }
}

function isComparable(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}
