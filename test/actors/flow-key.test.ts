/**
 * Flow-control keys: one rule for what a key expression's value becomes, shared by the slot
 * actors (concurrency, throttle) and the flow gates (rateLimit, idempotency, debounce, batch,
 * singleton), so an event with no value for its key lands in the same place on both sides.
 */
import { describe, expect, it } from 'vitest'
import { flowKeyValue, NO_KEY_VALUE } from '../../actors/engine/flow-key.js'
import type { RunnableFunction } from '../../actors/engine/function-definition.js'
import { flowGateNameFor } from '../../actors/flow-gate-rpc.js'
import { admissionFor } from '../../actors/run-admission.js'

const event = (data: Record<string, unknown>) => ({ name: 'key/test', id: 'e-1', ts: 0, data })

/** A function with a concurrency and a throttle key (only its options are read). */
const keyed = (key: string) => ({ options: { flow: { concurrency: [{ limit: 1, key, scope: 'fn' }], throttle: { limit: 1, periodMs: 1000, burst: 1, key } } } }) as unknown as RunnableFunction

describe('flow-control key values', () => {
  it('keeps a string as it is and writes any other value as JSON', () => {
    expect(flowKeyValue('event.data.user', event({ user: 'u-1' }), 'key')).toBe('u-1')
    expect(flowKeyValue('event.data.n', event({ n: 42 }), 'key')).toBe('42')
    expect(flowKeyValue('event.data.ok', event({ ok: true }), 'key')).toBe('true')
    expect(flowKeyValue('event.data.o', event({ o: { a: [1, 'b'] } }), 'key')).toBe('{"a":[1,"b"]}')
    expect(flowKeyValue('event.data.big', event({ big: 2 ** 60 }), 'key')).toBe(JSON.stringify(2 ** 60))
  })

  it('gives no key, null, a missing field and a failing expression the one empty key', () => {
    expect(NO_KEY_VALUE).toBe('')
    expect(flowKeyValue(undefined, event({}), 'key')).toBe('')
    expect(flowKeyValue('event.data.user', event({ user: null }), 'key')).toBe('')
    expect(flowKeyValue('event.data.user', event({}), 'key')).toBe('')
    expect(flowKeyValue('event.data.user.id', event({ user: 'flat' }), 'key')).toBe('')
    expect(flowKeyValue('event.data.user', undefined, 'key')).toBe('')
  })

  it('gives an empty string the key of no value, as both sides always did', () => {
    expect(flowKeyValue('event.data.user', event({ user: '' }), 'key')).toBe(flowKeyValue('event.data.user', event({ user: null }), 'key'))
  })

  it('puts a null key and a missing one in the same slots and the same gate', async () => {
    const withNull = admissionFor('fn-k', keyed('event.data.user'), event({ user: null }))
    const missing = admissionFor('fn-k', keyed('event.data.user'), event({}))
    expect(withNull).toEqual(missing)
    expect(withNull.throttle?.slot).toBe('slot:throttle:fn-k:')
    expect(withNull.concurrency.map((slot) => slot.slot)).toEqual(['slot:concurrency:fn:fn-k:event.data.user:'])
    const gate = await flowGateNameFor('singleton', 'fn-k', 'event.data.user', event({ user: null }))
    expect(gate).toBe('gate:singleton:fn-k:')
    expect(await flowGateNameFor('singleton', 'fn-k', 'event.data.user', event({}))).toBe(gate)
  })

  it('names the same slot and gate value for the same key value', async () => {
    const admission = admissionFor('fn-k', keyed('event.data.user'), event({ user: 7 }))
    expect(admission.throttle?.slot).toBe('slot:throttle:fn-k:7')
    expect(await flowGateNameFor('rateLimit', 'fn-k', 'event.data.user', event({ user: 7 }))).toBe('gate:rateLimit:fn-k:7')
  })
})
