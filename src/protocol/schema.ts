import { InvalidMessageError } from './errors.js';

/**
 * A tiny runtime schema: checks an untrusted decoded value and returns a clean copy typed as T.
 * Message types are inferred from their schemas, so the TypeScript union and the validation that
 * guards it cannot drift apart.
 */
export interface Schema<T> {
  /** Throws InvalidMessageError naming `path` when `value` does not match. */
  parse(value: unknown, path: string): T;
  readonly optional: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<S extends Shape> = Simplify<
  { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
    readonly [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>;
  }
>;

function fail(path: string, detail: string): never {
  throw new InvalidMessageError(path, detail);
}

function required<T>(parse: (value: unknown, path: string) => T): Schema<T> {
  return { parse, optional: false };
}

/** A string of `min`..`max` UTF-16 code units, optionally matching `pattern` and not failing `forbid`. */
export function str(limits: {
  min?: number;
  max: number;
  pattern?: RegExp;
  hint?: string;
  forbid?: { readonly test: (value: string) => boolean; readonly hint: string };
}): Schema<string> {
  const min = limits.min ?? 0;
  return required((value, path) => {
    if (typeof value !== 'string') return fail(path, 'must be a string');
    // Every string field ends up in a PostgreSQL text column or parameter, which cannot hold NUL.
    if (value.includes('\u0000')) return fail(path, 'must not contain U+0000');
    if (value.length < min) return fail(path, `must be at least ${min} characters`);
    if (value.length > limits.max) return fail(path, `must be at most ${limits.max} characters`);
    if (limits.pattern && !limits.pattern.test(value)) return fail(path, limits.hint ?? `must match ${limits.pattern}`);
    if (limits.forbid?.test(value)) return fail(path, limits.forbid.hint);
    return value;
  });
}

/** An integer in `min`..`max` (inclusive). */
export function int(limits: { min: number; max: number }): Schema<number> {
  return required((value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return fail(path, 'must be an integer');
    if (value < limits.min || value > limits.max) return fail(path, `must be between ${limits.min} and ${limits.max}`);
    return value;
  });
}

export function bool(): Schema<boolean> {
  return required((value, path) => (typeof value === 'boolean' ? value : fail(path, 'must be a boolean')));
}

/** Binary of `min`..`max` bytes (MessagePack bin). */
export function bytes(limits: { min?: number; max: number }): Schema<Uint8Array> {
  const min = limits.min ?? 0;
  return required((value, path) => {
    if (!(value instanceof Uint8Array)) return fail(path, 'must be binary');
    if (value.length < min) return fail(path, `must be at least ${min} bytes`);
    if (value.length > limits.max) return fail(path, `must be at most ${limits.max} bytes`);
    return value;
  });
}

export function literal<L extends string>(expected: L): Schema<L> {
  return required((value, path) => (value === expected ? expected : fail(path, `must be "${expected}"`)));
}

export function oneOf<L extends string>(choices: readonly L[]): Schema<L> {
  const set = new Set<unknown>(choices);
  return required((value, path) => (set.has(value) ? (value as L) : fail(path, `must be one of ${choices.join(', ')}`)));
}

export function arrayOf<T>(item: Schema<T>, limits: { min?: number; max: number }): Schema<readonly T[]> {
  const min = limits.min ?? 0;
  return required((value, path) => {
    if (!Array.isArray(value)) return fail(path, 'must be an array');
    if (value.length < min) return fail(path, `must have at least ${min} items`);
    if (value.length > limits.max) return fail(path, `must have at most ${limits.max} items`);
    return value.map((element, index) => item.parse(element, `${path}[${index}]`));
  });
}

/** A fixed-length array whose items have their own schemas. */
export function tuple<A, B>(first: Schema<A>, second: Schema<B>): Schema<readonly [A, B]> {
  return required((value, path) => {
    if (!Array.isArray(value) || value.length !== 2) return fail(path, 'must be a pair');
    return [first.parse(value[0], `${path}[0]`), second.parse(value[1], `${path}[1]`)] as const;
  });
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> & { readonly optional: true } {
  return {
    optional: true,
    parse: (value, path) => (value === undefined || value === null ? undefined : inner.parse(value, path)),
  };
}

/** A map with exactly the listed fields checked; unknown fields are dropped from the copy. */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> & { readonly shape: S } {
  const entries = Object.entries(shape);
  const schema = required<ObjectOf<S>>((value, path) => {
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
      return fail(path, 'must be a map');
    }
    const source = value as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [key, schema] of entries) {
      const field = Object.hasOwn(source, key) ? source[key] : undefined;
      if (field === undefined && !schema.optional) fail(path ? `${path}.${key}` : key, 'is required');
      const parsed = schema.parse(field, path ? `${path}.${key}` : key);
      if (parsed !== undefined) copy[key] = parsed;
    }
    return copy as ObjectOf<S>;
  });
  return { ...schema, shape };
}
