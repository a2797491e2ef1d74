/**
 * Step results round-trip through JSON, as in Inngest: `undefined` becomes `null`, a Date its
 * ISO string, class instances plain objects. `Jsonify<T>` says so in the types. A BigInt or a
 * circular reference has no JSON: storing one fails at once, naming where it is.
 */
import { UnstorableValueError } from './errors.js'

type JsonPrimitive = string | number | boolean | null

/** Values `JSON.stringify` drops from objects and turns into `null` in arrays. */
type NotJsonable = undefined | void | symbol | ((...args: any[]) => unknown)

type IsAny<T> = 0 extends 1 & T ? true : false

/**
 * The type a value of `T` has after `JSON.parse(JSON.stringify(value))`.
 * A top-level `undefined` (or function) becomes `null`, as a step stores it; `any` and `unknown`
 * stay as they are; a Map or Set becomes `{}`; a `bigint` cannot be serialised (`never`).
 * @example
 * ```ts
 * type Out = Jsonify<{ at: Date; note?: string; skip: undefined; f: () => void }>
 * // { at: string; note?: string }
 * ```
 */
export type Jsonify<T> =
  IsAny<T> extends true
    ? any
    : unknown extends T
      ? unknown
      : T extends JsonPrimitive
        ? T
        : T extends { toJSON(): infer R }
          ? Jsonify<R>
          : T extends NotJsonable
            ? null
            : T extends bigint
              ? never
              : T extends Number
                ? number
                : T extends String
                  ? string
                  : T extends Boolean
                    ? boolean
                    : T extends ReadonlyMap<unknown, unknown> | ReadonlySet<unknown>
                      ? {}
                      : T extends readonly unknown[]
                        ? JsonifyList<T>
                        : T extends object
                          ? JsonifyObject<T>
                          : never

/**
 * Tuples map element by element; other arrays are written as `X[]`, which TypeScript resolves
 * lazily, so recursive types (`type Json = … | Json[]`) do not recurse forever.
 */
type JsonifyList<T extends readonly unknown[]> = T extends readonly [] | readonly [unknown, ...unknown[]]
  ? { [K in keyof T]: Jsonify<T[K]> }
  : T extends unknown[]
    ? Jsonify<T[number]>[]
    : readonly Jsonify<T[number]>[]

/** What survives of a property: `never` when JSON drops the key whatever its value. */
type Kept<V> = IsAny<V> extends true ? any : Exclude<V, NotJsonable>

/** Keys JSON always writes: the value can be neither undefined, a function nor a symbol. */
type RequiredKeys<T> = {
  [K in keyof T]-?: K extends symbol ? never : [Kept<T[K]>] extends [never] ? never : [T[K]] extends [Kept<T[K]>] ? K : never
}[keyof T]

/** Keys JSON writes only for some values: optional in the result. */
type OptionalKeys<T> = {
  [K in keyof T]-?: K extends symbol ? never : [Kept<T[K]>] extends [never] ? never : [T[K]] extends [Kept<T[K]>] ? never : K
}[keyof T]

type JsonifyObject<T> = Simplify<
  { [K in keyof T as K extends RequiredKeys<T> ? K : never]: Jsonify<T[K]> } & {
    [K in keyof T as K extends OptionalKeys<T> ? K : never]?: Jsonify<Kept<T[K]>>
  }
>

type Simplify<T> = { [K in keyof T]: T[K] } & {}

/**
 * The JSON text a value (a step's result, a run's output) is stored as; `undefined` is stored as
 * `null`. What `JSON.stringify` quietly changes (a Date, NaN, a Map, an `undefined` field) is
 * stored as it writes it, as Inngest does; what it cannot write fails the same on every attempt.
 * @param lead what the error says first: `step "load" returned a value that is not JSON`.
 * @throws {UnstorableValueError} (never retried) for a BigInt or a circular reference, with its path.
 * @example
 * ```ts
 * toJsonText({ at: new Date(0), skip: undefined }) // '{"at":"1970-01-01T00:00:00.000Z"}'
 * toJsonText({ user: { balance: 1n } }, 'step "load" returned a value that is not JSON')
 * // throws: step "load" returned a value that is not JSON: a BigInt at $.user.balance; fix: …
 * ```
 */
export function toJsonText(value: unknown, lead = 'the value is not JSON'): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value === undefined ? null : value)
  } catch (error) {
    // The walk runs only here: stringifying a value that can be stored costs nothing extra.
    const problem = findJsonProblem(value) ?? { kind: 'other', path: '$', message: error instanceof Error ? error.message : String(error) }
    throw new UnstorableValueError(`${lead}: ${describeJsonProblem(problem)}`, problem)
  }
  return text ?? 'null'
}

/** Why a value has no JSON text, and where (`$.user.balance`, `$.items[2]`). */
export type JsonProblem =
  | { readonly kind: 'bigint'; readonly path: string }
  /** `target` is the path of the object the reference at `path` points back to. */
  | { readonly kind: 'cycle'; readonly path: string; readonly target: string }
  | { readonly kind: 'other'; readonly path: string; readonly message: string }

/** Deeper than this, the walk gives up (the error then quotes `JSON.stringify`'s own message). */
const MAX_WALK_DEPTH = 1_000

/**
 * The first value `JSON.stringify` cannot write, walked in its order and with its rules
 * (`toJSON` first; functions, symbols and `undefined` skipped), or undefined if none is found.
 */
export function findJsonProblem(value: unknown): JsonProblem | undefined {
  try {
    return visit(value, '', '$', new Map())
  } catch {
    return undefined
  }
}

function visit(input: unknown, key: string, path: string, ancestors: Map<object, string>): JsonProblem | undefined {
  let value = input
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') value = toJSON.call(value, key)
  }
  if (typeof value === 'bigint' || Object.prototype.toString.call(value) === '[object BigInt]') return { kind: 'bigint', path }
  if (typeof value !== 'object' || value === null) return undefined
  const target = ancestors.get(value)
  if (target !== undefined) return { kind: 'cycle', path, target }
  if (ancestors.size >= MAX_WALK_DEPTH) return undefined
  ancestors.set(value, path)
  try {
    const keys = Array.isArray(value) ? [...value.keys()].map(String) : Object.keys(value)
    for (const child of keys) {
      const childPath = Array.isArray(value) ? `${path}[${child}]` : `${path}${propertyPath(child)}`
      const problem = visit((value as Record<string, unknown>)[child], child, childPath, ancestors)
      if (problem) return problem
    }
    return undefined
  } finally {
    ancestors.delete(value)
  }
}

function propertyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

/** The problem and its fix, as an error message ends: `a BigInt at $.n; fix: …`. */
export function describeJsonProblem(problem: JsonProblem): string {
  switch (problem.kind) {
    case 'bigint':
      return `a BigInt at ${problem.path}; fix: convert it (String(n) or Number(n))`
    case 'cycle':
      return `a circular reference at ${problem.path} (back to ${problem.target}); fix: remove the cycle, e.g. copy the fields you need into a plain object`
    case 'other':
      return `${problem.message}; fix: use plain JSON data (objects, arrays, strings, numbers, booleans, null)`
  }
}

/** Size in bytes of JSON text as stored (UTF-8). */
export function jsonByteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength
}

/** Whether JSON text is over `limit` bytes; encodes only when it could be (UTF-8 ≤ 3 bytes per UTF-16 unit). */
export function jsonOverLimit(text: string, limit: number): boolean {
  return text.length * 3 > limit && jsonByteLength(text) > limit
}
