/**
 * `serializeError(error, allowUnknown?)`: an error as a plain, JSON-serializable object, exactly
 * as the official SDK writes it (the marker `__serialized: true`, `cause` chains to depth 5).
 */

const SERIALIZED_KEY = '__serialized'

/** What `serializeError` returns for a value it can serialize. */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack: string
  readonly [SERIALIZED_KEY]: true
}

/** The properties copied from an error, as the official SDK copies them. */
const COPIED = ['name', 'message', 'stack', 'code', 'cause'] as const

/**
 * `JSON.stringify` that survives cycles, as `json-stringify-safe` (which the official SDK uses
 * here) does: a cycle becomes `"[Circular ~]"` or `"[Circular ~.path]"`. A `BigInt` still throws.
 */
function stringifySafe(input: unknown): string | undefined {
  const stack: unknown[] = []
  const keys: string[] = []
  return JSON.stringify(input, function (this: unknown, key: string, value: unknown) {
    if (stack.length > 0) {
      const position = stack.indexOf(this)
      if (position >= 0) {
        stack.splice(position + 1)
        keys.splice(position, Infinity, key)
      } else {
        stack.push(this)
        keys.push(key)
      }
      if (stack.includes(value)) value = stack[0] === value ? '[Circular ~]' : `[Circular ~.${keys.slice(0, stack.indexOf(value)).join('.')}]`
    } else stack.push(value)
    return value
  })
}

/** `value` if it is already a serialized error (an object, or its JSON text). */
function asSerialized(value: unknown): SerializedError | undefined {
  try {
    if (typeof value === 'string') {
      const parsed: unknown = JSON.parse(value)
      const fields = parsed as Record<string, unknown>
      if (typeof parsed === 'object' && parsed !== null && fields[SERIALIZED_KEY] === true && [fields.name, fields.message, fields.stack].every((field) => typeof field === 'string')) {
        return parsed as SerializedError
      }
    }
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, SERIALIZED_KEY) && (value as Record<string, unknown>)[SERIALIZED_KEY] === true) {
      return value as SerializedError
    }
  } catch {
    // not JSON: not a serialized error
  }
  return undefined
}

/**
 * @param allowUnknown when a value cannot be serialized as an error, return it unchanged
 * (the official flag; with it the result is `unknown`).
 * @example
 * ```ts
 * serializeError(new TypeError('bad')) // { name: 'TypeError', message: 'bad', stack: '…', __serialized: true }
 * ```
 */
export function serializeError<AllowUnknown extends boolean = false>(subject: unknown, allowUnknown?: AllowUnknown): AllowUnknown extends true ? unknown : SerializedError
export function serializeError(subject: unknown, allowUnknown = false): unknown {
  try {
    const existing = asSerialized(subject)
    if (existing) return existing
    if (typeof subject !== 'object' || subject === null) throw new Error('not an object')
    const picked: Record<string, unknown> = {}
    for (const key of COPIED) if (Reflect.has(subject, key)) picked[key] = Reflect.get(subject, key)
    if (!picked.name && allowUnknown) return subject
    const serialized: Record<string, unknown> = {
      ...picked,
      name: picked.name || 'Error',
      message: picked.message || stringifySafe(subject) || 'Unknown error; error serialization could not find a message.',
      stack: picked.stack || '',
      [SERIALIZED_KEY]: true,
    }
    let target = serialized
    for (let depth = 0; depth < 5; depth++) {
      if (!('cause' in target) || !target.cause) break
      const cause = serializeError(target.cause, true)
      if (typeof cause !== 'object' || cause === null) {
        target.cause = cause
        break
      }
      // A cause already serialized is copied, so the caller's object is never written to.
      const next = cause === target.cause ? { ...(cause as Record<string, unknown>) } : (cause as Record<string, unknown>)
      target.cause = next
      target = next
    }
    return serialized
  } catch {
    if (allowUnknown) return subject
    try {
      return { ...serializeError(new Error(typeof subject === 'string' ? subject : stringifySafe(subject))), stack: '', [SERIALIZED_KEY]: true }
    } catch {
      return { name: 'Could not serialize source error', message: 'Serializing the source error failed.', stack: '', [SERIALIZED_KEY]: true }
    }
  }
}
