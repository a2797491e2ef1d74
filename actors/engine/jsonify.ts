/**
 * Step results round-trip through JSON, as in Inngest: `undefined` becomes `null`, a Date its
 * ISO string, class instances plain objects. `Jsonify<T>` says so in the types.
 */

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

/** The JSON text a step result is stored as; `undefined` is stored as `null`. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value) ?? 'null'
}

/** Size in bytes of JSON text as stored (UTF-8). */
export function jsonByteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength
}

/** Whether JSON text is over `limit` bytes; encodes only when it could be (UTF-8 ≤ 3 bytes per UTF-16 unit). */
export function jsonOverLimit(text: string, limit: number): boolean {
  return text.length * 3 > limit && jsonByteLength(text) > limit
}
