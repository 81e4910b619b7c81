import type { LegacyObject } from '../../protocol/index.js';

/**
 * A legacy object with a missing field or a field of the wrong type or size: the connection is closed
 * and the reason logged (legacy-protocol.md has no error replies).
 */
export class LegacyInputError extends Error {
  override readonly name = 'LegacyInputError';
}

/** Largest id accepted: ids are decimal user and conversation ids. */
const ID_PATTERN = /^[1-9]\d{0,14}$/;

/**
 * A string field. U+0000 is refused in every one: PostgreSQL text cannot hold it, and before this
 * check a NUL in a legacy name reached the database, failed there and logged a stack trace per request
 * (issue 17, finding 10). `forbid`, when given, refuses more (a group name a terminal would obey).
 */
export function text(
  object: LegacyObject,
  field: string,
  max: number,
  min = 0,
  forbid?: { readonly test: (value: string) => boolean; readonly hint: string },
): string {
  const value = object[field];
  if (typeof value !== 'string') throw new LegacyInputError(`${field}: expected a string, got ${kindOf(value)}`);
  if (value.length < min || value.length > max)
    throw new LegacyInputError(`${field}: expected ${min}..${max} characters, got ${value.length}`);
  if (value.includes('\u0000')) throw new LegacyInputError(`${field}: must not contain U+0000`);
  if (forbid?.test(value)) throw new LegacyInputError(`${field}: ${forbid.hint}`);
  return value;
}

/** An id, which the original clients send as a string (a number is accepted too). */
export function id(object: LegacyObject, field: string): number {
  return toId(object[field], field);
}

export function ids(object: LegacyObject, field: string, max: number): number[] {
  const value = object[field];
  if (!Array.isArray(value)) throw new LegacyInputError(`${field}: expected a list, got ${kindOf(value)}`);
  if (value.length === 0 || value.length > max) throw new LegacyInputError(`${field}: expected 1..${max} ids, got ${value.length}`);
  return value.map((item, i) => toId(item, `${field}[${i}]`));
}

function toId(value: unknown, field: string): number {
  const digits = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof digits !== 'string' || !ID_PATTERN.test(digits))
    throw new LegacyInputError(`${field}: expected a decimal id, got ${kindOf(value)}`);
  return Number(digits);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `"${value.slice(0, 20)}"` : typeof value;
}
