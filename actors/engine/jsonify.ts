/**
 * Step results round-trip through JSON, as in Inngest: `undefined` becomes `null`, a Date its
 * ISO string, class instances plain objects. `Jsonify<T>` says so in the types.
 */

type JsonPrimitive = string | number | boolean | null

/** The type a value of `T` has after `JSON.parse(JSON.stringify(value))`. */
export type Jsonify<T> = T extends { toJSON(): infer R }
  ? Jsonify<R>
  : T extends JsonPrimitive
    ? T
    : T extends undefined | void | symbol | ((...args: never[]) => unknown)
      ? null
      : T extends bigint
        ? never
        : T extends readonly unknown[]
          ? { [K in keyof T]: T[K] extends undefined | symbol | ((...args: never[]) => unknown) ? null : Jsonify<T[K]> }
          : T extends object
            ? { [K in keyof T as T[K] extends symbol | ((...args: never[]) => unknown) ? never : K]: undefined extends T[K] ? Jsonify<Exclude<T[K], undefined>> | undefined : Jsonify<T[K]> }
            : never

/** The JSON text a step result is stored as; `undefined` is stored as `null`. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value) ?? 'null'
}

/** Size in bytes of JSON text as stored (UTF-8). */
export function jsonByteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength
}
