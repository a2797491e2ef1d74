/**
 * Indexed matching for waits and cancellations. Most `waitForEvent` and `cancelOn` conditions
 * are equalities on the incoming event: `match: 'data.orderId'` (`event.data.orderId ==
 * async.data.orderId`), `async.data.id == 'abc'`, or such a term inside `&&`. For those the value
 * the incoming event must have is known when the wait registers, so the stream files the wait
 * under (path, value) and tests an incoming event only against the waits filed under its own
 * value at that path: a hash lookup instead of a scan. The full CEL expression is still evaluated
 * on every candidate, so the index only has to be a superset: every event the expression accepts
 * has the key the wait is filed under. Expressions of any other shape are not indexed (scanned).
 *
 * Pure: no I/O.
 */
import type { RunEventPayload } from './executor.js'

/** Where a registration is filed: the `async` path its equality tests, and the value's key. */
export interface MatchKey {
  /** Dotted path on the incoming event, without `async.`, e.g. `data.orderId`. */
  readonly path: string
  readonly key: string
}

const IDENTIFIER = '[A-Za-z_][A-Za-z0-9_]*'
const PATH = new RegExp(`^(async|event)((?:\\.${IDENTIFIER})+)$`)
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/
const STRING = /^(?:'([^'\\]*)'|"([^"\\]*)")$/

/**
 * The key of a JSON value as an equality sees it: numbers by value (JSON does not tell 1 from
 * 1.0, CEL's int and double compare equal), strings, booleans and null each apart. Objects and
 * arrays have no key (never indexed).
 */
export function valueKey(value: unknown): string | null {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? `n:${value === 0 ? 0 : value}` : null
    case 'bigint':
      return `n:${value}`
    case 'string':
      return `s:${value}`
    case 'boolean':
      return `b:${value}`
    default:
      return value === null ? 'z' : null
  }
}

/** The value at a dotted path (`data.user.id`) of a JSON object; undefined where it is missing. */
export function valueAt(root: unknown, path: string): unknown {
  let value: unknown = root
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}

/** The top-level `&&` terms of `source`, or null if it has a top-level `||` or `?:` (not a conjunction). */
export function conjuncts(source: string): string[] | null {
  const terms: string[] = []
  let depth = 0
  let quote: string | null = null
  let start = 0
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!
    if (quote) {
      if (char === '\\') i++
      else if (char === quote) quote = null
      continue
    }
    if (char === '"' || char === "'") quote = char
    else if (char === '(' || char === '[' || char === '{') depth++
    else if (char === ')' || char === ']' || char === '}') depth--
    else if (depth === 0 && (char === '?' || (char === '|' && source[i + 1] === '|'))) return null
    else if (depth === 0 && char === '&' && source[i + 1] === '&') {
      terms.push(source.slice(start, i).trim())
      start = i + 2
      i++
    }
  }
  if (quote || depth !== 0) return null
  terms.push(source.slice(start).trim())
  return terms
}

/** The value one side of an equality stands for, given the trigger; undefined when it is not a literal or `event.` path. */
function sideValue(side: string, trigger: RunEventPayload): { value: unknown } | undefined {
  const path = PATH.exec(side)
  if (path) return path[1] === 'event' ? { value: valueAt(trigger, path[2]!.slice(1)) } : undefined
  if (NUMBER.test(side)) return { value: Number(side) }
  const string = STRING.exec(side)
  if (string) return { value: string[1] ?? string[2] }
  if (side === 'true' || side === 'false') return { value: side === 'true' }
  if (side === 'null') return { value: null }
  return undefined
}

/** `async.<path> == <literal or event.path>` (either way round): the path and value's key. */
function equalityKey(term: string, trigger: RunEventPayload): MatchKey | null {
  const sides = term.split('==')
  if (sides.length !== 2 || term.includes('!=') || term.includes('<=') || term.includes('>=')) return null
  const [left, right] = sides.map((side) => side.trim()) as [string, string]
  for (const [asyncSide, other] of [[left, right], [right, left]] as const) {
    const asyncPath = PATH.exec(asyncSide)
    if (!asyncPath || asyncPath[1] !== 'async') continue
    const known = sideValue(other, trigger)
    const key = known === undefined ? null : valueKey(known.value)
    if (key !== null) return { path: asyncPath[2]!.slice(1), key }
  }
  return null
}

/**
 * Where a registration with condition `expression` over `trigger` can be filed, or null when it
 * must be scanned (no condition, or no indexable equality among its top-level `&&` terms).
 * @example
 * ```ts
 * matchKeyOf('event.data.orderId == async.data.orderId', { data: { orderId: 'o-1' }, … })
 * // { path: 'data.orderId', key: 's:o-1' }
 * ```
 */
export function matchKeyOf(expression: string | null, trigger: RunEventPayload): MatchKey | null {
  if (!expression) return null
  for (const term of conjuncts(expression) ?? []) {
    const key = equalityKey(term, trigger)
    if (key) return key
  }
  return null
}

/** The key `event` has at `path`, to look up the registrations filed there; null if it has none. */
export function eventKeyAt(event: RunEventPayload, path: string): string | null {
  return valueKey(valueAt(event, path))
}
