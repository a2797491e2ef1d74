/**
 * Indexed matching is exact: a registration filed under (path, key) is only ever offered events
 * whose key at that path is the same, and the full CEL condition decides among them, so the
 * answer equals testing every event against every registration (brute force) exactly when every
 * event the condition accepts carries the key. Checked on generated conditions (match, literal
 * and trigger equalities in either order, `&&`, `||`, parentheses, other operators), triggers
 * and events, int/double look-alikes and missing fields included.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileExpression, type RunEventPayload } from '../../actors/internal.js'
import { conjuncts, eventKeyAt, matchKeyOf, valueKey } from '../../actors/engine/match-key.js'
import { seedParams } from '../fixtures/fc-seed.js'

const PATHS = ['data.a', 'data.b', 'data.n.x', 'id'] as const
const LITERALS = ['1', '1.0', '-2', '2.5', "'a'", '"b"', "'1'", 'true', 'false', 'null'] as const

const value = fc.oneof(
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(1.0, 2.5, -0, 1e21),
  fc.constantFrom('a', 'b', '1', ''),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined), // the field is missing
  fc.constant({ x: 1 }),
  fc.constant([1]),
)

const payload = fc.record({ id: fc.constantFrom('e1', 'e2', 'a'), a: value, b: value, x: value }).map(
  ({ id, a, b, x }): RunEventPayload => ({ name: 'test/match', id, ts: 0, user: {}, data: JSON.parse(JSON.stringify({ a, b, n: { x } })) as Record<string, unknown> }),
)

const path = fc.constantFrom(...PATHS)
const term = fc.oneof(
  path.map((p) => `event.${p} == async.${p}`), // what match: 'p' becomes
  fc.tuple(path, path).map(([p, q]) => `event.${p} == async.${q}`),
  fc.tuple(path, fc.constantFrom(...LITERALS)).map(([p, literal]) => `async.${p} == ${literal}`),
  fc.tuple(path, fc.constantFrom(...LITERALS)).map(([p, literal]) => `${literal} == async.${p}`),
  fc.tuple(path, fc.constantFrom(...LITERALS)).map(([p, literal]) => `async.${p} != ${literal}`),
  path.map((p) => `async.${p} == async.${p}`),
)
const expression = fc.oneof(
  term,
  fc.tuple(term, term).map(([a, b]) => `${a} && ${b}`),
  fc.tuple(term, term).map(([a, b]) => `${a} || ${b}`),
  fc.tuple(term, term, term).map(([a, b, c]) => `(${a} || ${b}) && ${c}`),
  term.map((a) => `(${a})`),
)

describe('indexed matching', () => {
  it('offers a registration every event its condition accepts (the index is a superset of brute force)', () => {
    const seen = { keyedAccepted: 0, keyedRefused: 0 }
    fc.assert(
      fc.property(expression, payload, fc.array(payload, { minLength: 1, maxLength: 6 }), (source, trigger, events) => {
        const condition = compileExpression(source, 'if')
        const key = matchKeyOf(source, trigger)
        for (const event of events) {
          const accepted = condition.matches({ event: trigger, async: event })
          const offered = key === null || eventKeyAt(event, key.path) === key.key
          if (accepted) expect(offered, `${source} over trigger ${JSON.stringify(trigger.data)} accepts ${JSON.stringify(event.data)}`).toBe(true)
          if (key !== null) seen[accepted ? 'keyedAccepted' : 'keyedRefused'] += offered ? 1 : 0
        }
      }),
      seedParams({ numRuns: 2_000 }),
    )
    // Not vacuous: filed registrations were offered events they took and events they refused.
    expect(seen.keyedAccepted).toBeGreaterThan(20)
    expect(seen.keyedRefused).toBeGreaterThan(20)
  })

  it('files the usual conditions, and scans what has no equality it can use', () => {
    const trigger: RunEventPayload = { name: 't', id: 't1', ts: 0, user: {}, data: { orderId: 'o-1', n: 7, nested: { k: true } } }
    expect(matchKeyOf('event.data.orderId == async.data.orderId', trigger)).toEqual({ path: 'data.orderId', key: 's:o-1' })
    expect(matchKeyOf("async.data.status == 'paid' && event.data.n == async.data.n", trigger)).toEqual({ path: 'data.status', key: 's:paid' })
    expect(matchKeyOf('async.data.amount > 100 && 7 == async.data.n', trigger)).toEqual({ path: 'data.n', key: 'n:7' })
    expect(matchKeyOf('event.data.nested == async.data.nested', trigger)).toBeNull() // an object: no key
    expect(matchKeyOf('event.data.missing == async.data.x', trigger)).toBeNull()
    expect(matchKeyOf("async.data.a == 'x' || async.data.b == 'y'", trigger)).toBeNull()
    expect(matchKeyOf(null, trigger)).toBeNull()
    expect(conjuncts("a == 'x && y' && (b || c)")).toEqual(["a == 'x && y'", '(b || c)'])
    expect([valueKey(1), valueKey(1.0), valueKey('1'), valueKey(true), valueKey(null), valueKey(undefined), valueKey({})]).toEqual(['n:1', 'n:1', 's:1', 'b:true', 'z', null, null])
  })
})
