/**
 * JSON in RFC 8785 canonical form (JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers and strings as ECMAScript writes them. The official SDK verifies a request's signature
 * over the canonical form of the body it parsed, so the executor signs (and sends) this text.
 */

/** The canonical JSON text of `value` (which must be JSON: no cycles, no BigInt). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // undefined and functions have no JSON text; in an array they read as null, as JSON.stringify has it.
    return JSON.stringify(value) ?? 'null'
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON())
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined && typeof item !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
}
