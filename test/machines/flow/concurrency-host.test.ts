import { describe, expect, it } from 'vitest'
import { createConcurrency, expireSlots, releaseSlot, requestSlot } from '../../../machines/index.js'

const T0 = 1_700_000_000_000
const pool = () => createConcurrency({ limit: 1, leaseMs: 30_000 })
const host = { binding: 'DOCS', name: 'doc-7' }

describe('a concurrency waiter’s host', () => {
  it('goes from the request to the waiter, and from the waiter to the lease it is granted', () => {
    const held = requestSlot(pool(), { runId: 'a', at: T0 }).state
    const queued = requestSlot(held, { runId: 'b', at: T0 + 1, host })
    expect(queued.state.waiting).toMatchObject([{ runId: 'b', host }])
    const released = releaseSlot(queued.state, 'a', T0 + 2)
    expect(released.granted).toStrictEqual([{ runId: 'b', grantedAt: T0 + 2, expiresAt: T0 + 30_002, host }])
    expect(released.state.leases).toStrictEqual(released.granted)
  })

  it('is passed on when an expired lease frees the slot', () => {
    const held = requestSlot(pool(), { runId: 'a', at: T0 }).state
    const queued = requestSlot(held, { runId: 'b', at: T0 + 1, host }).state
    expect(expireSlots(queued, T0 + 30_000).granted).toMatchObject([{ runId: 'b', host }])
  })

  it('is absent from waiters and leases of requests that name none (as in state stored before)', () => {
    const held = requestSlot(pool(), { runId: 'a', at: T0 }).state
    const queued = requestSlot(held, { runId: 'b', at: T0 + 1 }).state
    expect(Object.keys(queued.waiting[0]!)).not.toContain('host')
    expect(releaseSlot(queued, 'a', T0 + 2).granted).toStrictEqual([{ runId: 'b', grantedAt: T0 + 2, expiresAt: T0 + 30_002 }])
  })
})
