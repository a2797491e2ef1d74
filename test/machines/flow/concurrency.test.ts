import { describe, expect, it } from 'vitest'
import { createConcurrency, expireSlots, holdsSlot, nextSlotExpiry, releaseSlot, renewSlot, requestSlot, type ConcurrencyState } from '../../../machines/index.js'

const T0 = 1_700_000_000_000
const pool = (limit = 2) => createConcurrency({ limit, leaseMs: 30_000 })

/** Requests each run in turn at T0 + index ms, returning the final state. */
function requestAll(state: ConcurrencyState, runs: readonly (string | [string, number])[]): ConcurrencyState {
  runs.forEach((run, index) => {
    const [runId, priority] = typeof run === 'string' ? [run, 0] : run
    state = requestSlot(state, { runId, priority, at: T0 + index }).state
  })
  return state
}

describe('concurrency slots', () => {
  it('grants up to limit at once and queues the rest', () => {
    const first = requestSlot(pool(), { runId: 'a', at: T0 })
    expect(first.outcome).toBe('granted')
    expect(first.granted).toEqual([{ runId: 'a', grantedAt: T0, expiresAt: T0 + 30_000 }])
    expect(first.wakeAt).toBe(T0 + 30_000)
    const second = requestSlot(first.state, { runId: 'b', at: T0 + 1 })
    const third = requestSlot(second.state, { runId: 'c', at: T0 + 2 })
    expect(second.outcome).toBe('granted')
    expect(third.outcome).toBe('queued')
    expect(third.granted).toEqual([])
    expect(third.state.waiting.map((w) => w.runId)).toEqual(['c'])
  })

  it('grants the next waiter when a slot is released', () => {
    const state = requestAll(pool(), ['a', 'b', 'c', 'd'])
    const released = releaseSlot(state, 'a', T0 + 100)
    expect(released.granted.map((l) => l.runId)).toEqual(['c'])
    expect(released.granted[0]?.expiresAt).toBe(T0 + 100 + 30_000)
    expect(released.state.waiting.map((w) => w.runId)).toEqual(['d'])
  })

  it('serves higher priority first, as if it had been enqueued that many seconds earlier', () => {
    const state = requestAll(pool(1), ['holder', 'low', ['high', 10], ['later-high', 10], ['negative', -5]])
    expect(state.waiting.map((w) => w.runId)).toEqual(['high', 'later-high', 'low', 'negative'])
    const order: string[] = []
    let current = state
    for (const runId of ['holder', 'high', 'later-high', 'low']) {
      const decision = releaseSlot(current, runId, T0 + 1_000)
      order.push(...decision.granted.map((l) => l.runId))
      current = decision.state
    }
    expect(order).toEqual(['high', 'later-high', 'low', 'negative'])
  })

  it('keeps a long-waiting run ahead of a newer one whose priority is smaller than the wait', () => {
    let state = requestAll(createConcurrency({ limit: 1, leaseMs: 600_000 }), ['holder'])
    state = requestSlot(state, { runId: 'old', at: T0 }).state
    state = requestSlot(state, { runId: 'new', priority: 60, at: T0 + 120_000 }).state
    expect(state.waiting.map((w) => w.runId)).toEqual(['old', 'new'])
  })

  it('clamps priority to ±600 s by default', () => {
    const state = requestSlot(requestAll(pool(1), ['holder']), { runId: 'x', priority: 10_000, at: T0 }).state
    expect(state.waiting[0]).toMatchObject({ priority: 600, orderAt: T0 - 600_000 })
  })

  it('treats a repeated request or release as one', () => {
    let state = requestAll(pool(1), ['a', 'b'])
    const again = requestSlot(state, { runId: 'a', at: T0 + 5 })
    expect(again.outcome).toBe('granted')
    expect(again.state).toEqual(state)
    const waitingAgain = requestSlot(state, { runId: 'b', priority: 100, at: T0 + 5 })
    expect(waitingAgain.outcome).toBe('queued')
    expect(waitingAgain.state).toEqual(state)
    state = releaseSlot(state, 'a', T0 + 10).state
    expect(releaseSlot(state, 'a', T0 + 11).state).toEqual(state)
    expect(state.leases.map((l) => l.runId)).toEqual(['b'])
  })

  it('withdraws a waiting request on release', () => {
    const state = releaseSlot(requestAll(pool(1), ['a', 'b', 'c']), 'b', T0 + 10).state
    expect(state.waiting.map((w) => w.runId)).toEqual(['c'])
  })

  it('expires a lease whose holder died and hands the slot on', () => {
    const state = requestAll(pool(1), ['dead', 'next'])
    expect(nextSlotExpiry(state)).toBe(T0 + 30_000)
    expect(expireSlots(state, T0 + 29_999).granted).toEqual([])
    const expired = expireSlots(state, T0 + 30_000)
    expect(expired.expired).toEqual(['dead'])
    expect(expired.granted.map((l) => l.runId)).toEqual(['next'])
    expect(expired.wakeAt).toBe(T0 + 60_000)
  })

  it('frees expired leases before any operation, so a late alarm leaks no slot', () => {
    const state = requestAll(pool(1), ['dead'])
    const decision = requestSlot(state, { runId: 'fresh', at: T0 + 40_000 })
    expect(decision.expired).toEqual(['dead'])
    expect(decision.outcome).toBe('granted')
  })

  it('extends a lease on renew and never shortens it', () => {
    let state = requestAll(pool(1), ['a', 'b'])
    state = renewSlot(state, 'a', T0 + 90_000, T0 + 20_000).state
    expect(renewSlot(state, 'a', T0 + 10, T0 + 20_000).state).toEqual(state)
    expect(expireSlots(state, T0 + 60_000).granted).toEqual([])
    expect(nextSlotExpiry(state)).toBe(T0 + 90_000)
    expect(renewSlot(state, 'b', T0 + 90_000, T0 + 20_000).renewed).toBe(false)
  })

  it('refuses to renew a lease that has expired, and hands its slot on', () => {
    const renewal = renewSlot(requestAll(pool(1), ['a', 'b']), 'a', T0 + 90_000, T0 + 30_000)
    expect(renewal.renewed).toBe(false)
    expect(renewal.expired).toEqual(['a'])
    expect(renewal.granted.map((l) => l.runId)).toEqual(['b'])
  })

  it('grants waiters at once when the limit is raised', () => {
    const state = requestAll(pool(1), ['a', 'b', 'c'])
    const raised = expireSlots({ ...state, limit: 3 }, T0 + 50)
    expect(raised.granted.map((l) => l.runId)).toEqual(['b', 'c'])
    expect(holdsSlot(raised.state, 'c')).toBe(true)
  })

  it('has no wake-up with no leases', () => {
    expect(nextSlotExpiry(pool())).toBeUndefined()
    expect(releaseSlot(requestAll(pool(), ['a']), 'a', T0).wakeAt).toBeUndefined()
  })
})
