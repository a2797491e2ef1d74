/**
 * Properties of the flow-control cores over generated event streams.
 * Reproducing a failure: `FC_SEED=<seed> npx vitest run test/machines/flow/flow.prop.test.ts`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addToBatch, admitRateLimited, clampPriority, createConcurrency, createRateLimit, createThrottle, drainThrottle, emptyBatch,
  emptyDebounce, enqueueThrottled, expireSlots, fireDebounce, flushDueBatch, pushDebounce, releaseSlot,
  renewSlot, requestSlot, type ConcurrencyDecision, type ConcurrencyState, type ThrottleState,
} from '../../../machines/index.js'
import { seedParams } from '../../fixtures/fc-seed.js'

const params = seedParams({ numRuns: 300 })
const T0 = 1_700_000_000_000
const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T
/** Absolute times from gaps. */
const timesOf = (gaps: readonly number[]) => gaps.reduce<number[]>((times, gap) => [...times, (times.at(-1) ?? T0) + gap], [])

type SlotOp =
  | { type: 'request'; runId: string; priority: number; gap: number }
  | { type: 'release'; runId: string; gap: number }
  | { type: 'expire'; gap: number }
  | { type: 'renew'; runId: string; gap: number; extendBy: number }
const runId = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')
// Small and round values, so ties (same orderAt) and ops exactly at a lease's expiry happen often.
const gap = fc.oneof(fc.constant(0), fc.constantFrom(1_000, 5_000, 30_000), fc.integer({ min: 0, max: 20_000 }))
const priority = fc.oneof(fc.constant(0), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -700, max: 700 }))
const slotOp: fc.Arbitrary<SlotOp> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('request' as const), runId, priority, gap }), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant('release' as const), runId, gap }), weight: 3 },
  { arbitrary: fc.record({ type: fc.constant('expire' as const), gap }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('renew' as const), runId, gap, extendBy: fc.integer({ min: 0, max: 60_000 }) }), weight: 1 },
)

function applySlotOp(state: ConcurrencyState, op: SlotOp, at: number): ConcurrencyDecision {
  switch (op.type) {
    case 'request': return requestSlot(state, { runId: op.runId, priority: op.priority, at })
    case 'release': return releaseSlot(state, op.runId, at)
    case 'expire': return expireSlots(state, at)
    case 'renew': return renewSlot(state, op.runId, at + op.extendBy, at)
  }
}

const before = (a: readonly [number, number], b: readonly [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])

describe('concurrency properties', () => {
  it('never exceeds limit, grants by priority then FIFO, eventually grants every waiter, and survives JSON', () => {
    const config = fc.record({ limit: fc.integer({ min: 1, max: 4 }), leaseMs: fc.oneof(fc.constantFrom(5_000, 30_000), fc.integer({ min: 1_000, max: 60_000 })) })
    fc.assert(fc.property(config, fc.array(slotOp, { maxLength: 60 }), (cfg, ops) => {
      let state = createConcurrency(cfg)
      let at = T0
      // The model's orderAt for each request that joins the queue: requested at − priority seconds.
      const expectedOrderAt = new Map<string, number>()
      for (const op of ops) {
        at += op.gap
        if (op.type === 'request' && !state.waiting.some((w) => w.runId === op.runId)) expectedOrderAt.set(op.runId, at - clampPriority(op.priority) * 1_000)
        const decision = applySlotOp(state, op, at)
        expect(applySlotOp(roundTrip(state), op, at)).toEqual(decision)
        const next = decision.state
        expect(roundTrip(next)).toEqual(next)
        // Capacity: live leases never exceed the limit, and no lease outlives its expiry.
        expect(next.leases.length).toBeLessThanOrEqual(cfg.limit)
        for (const lease of next.leases) expect(lease.expiresAt).toBeGreaterThan(at)
        // Work-conserving: nobody waits while a slot is free; nobody holds and waits at once.
        if (next.waiting.length > 0) expect(next.leases.length).toBe(cfg.limit)
        const ids = [...next.leases.map((l) => l.runId), ...next.waiting.map((w) => w.runId)]
        expect(new Set(ids).size).toBe(ids.length)
        // Grant order: the granted come before every run still waiting, in (orderAt, seq) order.
        const keyOf = (id: string): [number, number] => {
          const waiter = state.waiting.find((w) => w.runId === id)
          if (waiter) return [waiter.orderAt, waiter.seq]
          expect(op.type === 'request' && op.runId === id).toBe(true)
          return [expectedOrderAt.get(id)!, state.nextSeq]
        }
        const grantedKeys = decision.granted.map((l) => keyOf(l.runId))
        for (const lease of decision.granted) expect(state.leases.some((l) => l.runId === lease.runId && l.expiresAt > at)).toBe(false)
        for (let i = 1; i < grantedKeys.length; i++) expect(before(grantedKeys[i - 1]!, grantedKeys[i]!)).toBe(true)
        for (const waiter of next.waiting) for (const key of grantedKeys) expect(before(key, [waiter.orderAt, waiter.seq])).toBe(true)
        for (const waiter of next.waiting) expect(waiter.orderAt).toBe(expectedOrderAt.get(waiter.runId))
        for (let i = 1; i < next.waiting.length; i++) expect(before([next.waiting[i - 1]!.orderAt, next.waiting[i - 1]!.seq], [next.waiting[i]!.orderAt, next.waiting[i]!.seq])).toBe(true)
        state = next
      }
      // Liveness: releasing every holder, round after round, grants each waiter exactly once.
      const waiting = state.waiting.map((w) => w.runId)
      const granted: string[] = []
      for (let round = 0; round <= waiting.length && state.waiting.length > 0; round++) {
        for (const lease of state.leases) {
          const decision = releaseSlot(state, lease.runId, at)
          granted.push(...decision.granted.map((l) => l.runId))
          state = decision.state
        }
      }
      expect(state.waiting).toEqual([])
      expect(granted).toEqual(waiting)
    }), params)
  })
})

describe('throttle properties', () => {
  it('never starts more than the GCRA bound in any window, drops nothing, and wakes exactly on time', () => {
    const config = fc.record({ limit: fc.integer({ min: 1, max: 5 }), periodMs: fc.integer({ min: 1, max: 10_000 }), burst: fc.integer({ min: 0, max: 3 }) })
    const arrival = fc.record({ gap: fc.integer({ min: 0, max: 5_000 }), alarmLateBy: fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined }) })
    fc.assert(fc.property(config, fc.array(arrival, { maxLength: 40 }), (cfg, arrivals) => {
      let state: ThrottleState<number> = createThrottle(cfg)
      let wakeAt: number | undefined
      const starts: { item: number; at: number }[] = []
      const drainUntil = (until: number, lateBy = 0) => {
        while (wakeAt !== undefined && wakeAt + lateBy <= until) {
          const drained = drainThrottle(roundTrip(state), wakeAt + lateBy)
          if (lateBy === 0) expect(drained.start.length).toBeGreaterThan(0)
          starts.push(...drained.start.map((item) => ({ item, at: wakeAt! + lateBy })))
          ;({ state, wakeAt } = drained)
        }
      }
      timesOf(arrivals.map((a) => a.gap)).forEach((at, item) => {
        drainUntil(at, arrivals[item]!.alarmLateBy)
        const decision = enqueueThrottled(state, item, at)
        starts.push(...decision.start.map((started) => ({ item: started, at })))
        ;({ state, wakeAt } = decision)
        expect(roundTrip(state)).toEqual(state)
      })
      drainUntil(Number.POSITIVE_INFINITY)
      expect(starts.map((s) => s.item)).toEqual(arrivals.map((_, item) => item))
      // GCRA: n starts within a window of length L satisfy (n − 1) × T ≤ L + τ, in integers.
      for (let i = 0; i < starts.length; i++) {
        for (let j = i + 1; j < starts.length; j++) {
          expect((j - i) * cfg.periodMs).toBeLessThanOrEqual((starts[j]!.at - starts[i]!.at) * cfg.limit + (cfg.limit + cfg.burst - 1) * cfg.periodMs)
        }
      }
    }), params)
  })
})

describe('debounce properties', () => {
  it('fires exactly once per quiet period, with its last event, never after firstAt + timeout', () => {
    const options = fc.record({ periodMs: fc.integer({ min: 1, max: 5_000 }), timeoutMs: fc.option(fc.integer({ min: 0, max: 12_000 }), { nil: undefined }) })
    const arrival = fc.record({ gap: fc.integer({ min: 0, max: 8_000 }), alarmMissed: fc.boolean() })
    fc.assert(fc.property(options, fc.array(arrival, { maxLength: 40 }), (opts, arrivals) => {
      const times = timesOf(arrivals.map((a) => a.gap))
      // The model: a new period starts when an event comes at or after the open one's dueAt.
      const expected: { event: number; firstAt: number; dueAt: number }[] = []
      times.forEach((at, event) => {
        const open = expected.at(-1)
        const firstAt = open && at < open.dueAt ? open.firstAt : at
        const dueAt = Math.min(at + opts.periodMs, firstAt + (opts.timeoutMs ?? Number.POSITIVE_INFINITY))
        if (open && at < open.dueAt) expected[expected.length - 1] = { event, firstAt, dueAt }
        else expected.push({ event, firstAt, dueAt })
      })
      let state = emptyDebounce<number>()
      let wakeAt: number | undefined
      const fired: { event: number; firstAt: number; dueAt: number; at: number }[] = []
      const record = (fire: ReturnType<typeof fireDebounce<number>>['fire'], at: number) => fire && fired.push({ event: fire.event, firstAt: fire.firstAt, dueAt: fire.dueAt, at })
      times.forEach((at, event) => {
        if (wakeAt !== undefined && wakeAt <= at && !arrivals[event]!.alarmMissed) {
          const alarm = fireDebounce(roundTrip(state), wakeAt)
          record(alarm.fire, wakeAt)
          ;({ state, wakeAt } = alarm)
        }
        const decision = pushDebounce(state, event, at, opts)
        record(decision.fire, at)
        ;({ state, wakeAt } = decision)
      })
      if (wakeAt !== undefined) record(fireDebounce(state, wakeAt).fire, wakeAt)
      expect(fired.map(({ at: _, ...fire }) => fire)).toEqual(expected)
      for (const fire of fired) {
        if (opts.timeoutMs !== undefined) expect(fire.dueAt).toBeLessThanOrEqual(fire.firstAt + opts.timeoutMs)
        // Fired on time, or later only when the alarm was missed and the next event fired it.
        expect(fire.at).toBeGreaterThanOrEqual(fire.dueAt)
        expect(fire.at === fire.dueAt || times.includes(fire.at)).toBe(true)
      }
    }), params)
  })
})

describe('batch properties', () => {
  it('flushes every event exactly once, in order, in batches of at most maxSize', () => {
    const options = fc.record({ maxSize: fc.integer({ min: 1, max: 5 }), timeoutMs: fc.integer({ min: 0, max: 5_000 }) })
    const arrival = fc.record({ gap: fc.integer({ min: 0, max: 3_000 }), alarmMissed: fc.boolean() })
    fc.assert(fc.property(options, fc.array(arrival, { maxLength: 40 }), (opts, arrivals) => {
      let state = emptyBatch<number>()
      let wakeAt: number | undefined
      const batches: { events: readonly number[]; at: number }[] = []
      timesOf(arrivals.map((a) => a.gap)).forEach((at, event) => {
        if (wakeAt !== undefined && wakeAt <= at && !arrivals[event]!.alarmMissed) {
          const due = flushDueBatch(roundTrip(state), wakeAt)
          if (due.flush) batches.push({ events: due.flush, at: wakeAt })
          ;({ state, wakeAt } = due)
        }
        const added = addToBatch(state, event, at, opts)
        if (added.flush) batches.push({ events: added.flush, at })
        ;({ state, wakeAt } = added)
        expect(roundTrip(state)).toEqual(state)
      })
      if (wakeAt !== undefined) {
        const last = flushDueBatch(state, wakeAt)
        if (last.flush) batches.push({ events: last.flush, at: wakeAt })
        expect(last.state.open).toBeNull()
      }
      expect(batches.flatMap((b) => b.events)).toEqual(arrivals.map((_, event) => event))
      for (const batch of batches) {
        expect(batch.events.length).toBeGreaterThan(0)
        expect(batch.events.length).toBeLessThanOrEqual(opts.maxSize)
      }
    }), params)
  })
})

describe('rate limit properties', () => {
  it('accounts for every event, never allows more than limit per period, and skips only when full', () => {
    const config = fc.record({ limit: fc.integer({ min: 0, max: 5 }), periodMs: fc.integer({ min: 1, max: 10_000 }) })
    fc.assert(fc.property(config, fc.array(fc.integer({ min: 0, max: 4_000 }), { maxLength: 60 }), (cfg, gaps) => {
      let state = createRateLimit(cfg)
      const allowed: number[] = []
      let skipped = 0
      for (const at of timesOf(gaps)) {
        const decision = admitRateLimited(roundTrip(state), at)
        const inWindow = allowed.filter((t) => t > at - cfg.periodMs).length
        if (decision.outcome === 'allowed') allowed.push(at)
        else {
          skipped++
          expect(inWindow).toBe(cfg.limit)
        }
        state = decision.state
        expect(state.allowedAt.length).toBeLessThanOrEqual(cfg.limit)
      }
      expect(allowed.length + skipped).toBe(gaps.length)
      for (const start of allowed) expect(allowed.filter((t) => t >= start && t < start + cfg.periodMs).length).toBeLessThanOrEqual(cfg.limit)
    }), params)
  })
})
