/**
 * Slot queues as rows decide exactly as the pure cores on whole lists: every operation grants or
 * starts the same runs, and leaves the same leases, counters and queue order, whatever the queue
 * length beyond the window the rows-backed side reads (limits of 1–3 with up to 40 runs queued).
 */
import { runInDurableObject } from 'cloudflare:test'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { onPoolWindow, onThrottleWindow, type ThrottledRun } from '../../actors/slot-queue.js'
import { SlotStore } from '../../actors/storage/slot-store.js'
import {
  createConcurrency,
  createThrottle,
  drainThrottle,
  enqueueThrottled,
  expireSlots,
  releaseSlot,
  renewSlot,
  requestSlot,
  type ConcurrencyState,
  type ThrottleState,
} from '../../machines/index.js'
import { seedParams } from '../fixtures/fc-seed.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

const freshSlotStore = <T,>(body: (store: SlotStore) => T): Promise<T> =>
  runInDurableObject(testEnv.INNGEST_SLOTS.get(testEnv.INNGEST_SLOTS.idFromName(uniqueLabel('slot:prop'))), (_instance, state) => body(new SlotStore(state.storage)))

type PoolOp =
  | { readonly op: 'request'; readonly run: number; readonly priority: number; readonly dt: number }
  | { readonly op: 'release'; readonly run: number; readonly dt: number }
  | { readonly op: 'renew'; readonly run: number; readonly dt: number }
  | { readonly op: 'expire'; readonly dt: number }

const run = fc.integer({ min: 0, max: 39 })
const dt = fc.integer({ min: 0, max: 300 })
const poolOp: fc.Arbitrary<PoolOp> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('request' as const), run, priority: fc.constantFrom(-10, 0, 0, 5, 600), dt }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), run, dt }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('renew' as const), run, dt }) },
  // Sometimes long enough for leases to lapse.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('expire' as const), dt: fc.integer({ min: 0, max: 12_000 }) }) },
)

/** Thirty requests behind a limit of 1, then thirty releases. */
const deepQueue: PoolOp[] = [
  ...Array.from({ length: 30 }, (_, run): PoolOp => ({ op: 'request', run, priority: run % 2 ? 0 : 5, dt: 1 })),
  ...Array.from({ length: 30 }, (_, run): PoolOp => ({ op: 'release', run, dt: 1 })),
]

describe('slot queues as rows', () => {
  it('grant as the concurrency core on whole lists, op by op', async () => {
    let deepest = 0
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(poolOp, { minLength: 1, maxLength: 120 }), async (limit, ops) => {
        deepest = Math.max(deepest, await freshSlotStore((store) => {
          let model: ConcurrencyState = createConcurrency({ limit, leaseMs: 10_000 })
          let stored: ConcurrencyState = model
          let at = 1_000_000
          let longest = 0
          for (const step of ops) {
            at += step.dt
            const runId = 'run' in step ? `r${step.run}` : ''
            const apply = (pool: ConcurrencyState) =>
              step.op === 'request'
                ? requestSlot(pool, { runId, priority: step.priority, at })
                : step.op === 'release'
                  ? releaseSlot(pool, runId, at)
                  : step.op === 'renew'
                    ? renewSlot(pool, runId, at + 10_000, at)
                    : expireSlots(pool, at)
            const expected = apply(model)
            const { decision, changes } = onPoolWindow(store, stored, step.op === 'request' || step.op === 'release' ? runId : undefined, apply)
            store.transaction(changes)
            stored = decision.state
            model = expected.state
            expect(decision.granted).toEqual(expected.granted)
            expect({ ...stored, waiting: store.queueHead(1_000).map((row) => row.item) }).toEqual(model)
            longest = Math.max(longest, model.waiting.length)
          }
          return longest
        }))
      }),
      // One case always builds a queue of 30 behind a limit of 1 and then drains it, so the
      // window is crossed whatever the seed draws for the rest.
      seedParams({ numRuns: 60, examples: [[1, deepQueue]] }),
    )
    // Not vacuous: queues grew far past the window the rows-backed side reads.
    expect(deepest).toBeGreaterThan(6)
  })

  it('start as the throttle core on whole lists, enqueue by enqueue and drain by drain', async () => {
    const throttleOp = fc.oneof(fc.record({ op: fc.constant('enqueue' as const), dt }), fc.record({ op: fc.constant('drain' as const), dt }))
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 1 }), fc.array(throttleOp, { minLength: 1, maxLength: 80 }), async (limit, burst, ops) => {
        await freshSlotStore((store) => {
          let model: ThrottleState<ThrottledRun> = createThrottle<ThrottledRun>({ limit, periodMs: 1_000, burst })
          let stored = model
          let at = 1_000_000
          ops.forEach((step, index) => {
            at += step.dt // enqueues faster than the throttle lets runs start (one per 500–1,000 ms)
            const item = index % 3 === 0 ? { runId: `t${index}`, host: { binding: 'HOST', name: `h${index}` } } : `t${index}`
            const expected = step.op === 'enqueue' ? enqueueThrottled(model, item, at) : drainThrottle(model, at)
            const { decision, changes } = onThrottleWindow(store, stored, at, step.op === 'enqueue' ? item : undefined)!
            store.transaction(changes)
            stored = decision.state
            model = expected.state
            expect(decision.start).toEqual(expected.start)
            expect(decision.wakeAt).toEqual(expected.wakeAt)
            expect({ ...stored, queue: store.queueHead(1_000).map((row) => row.item) }).toEqual(model)
          })
        })
      }),
      seedParams({ numRuns: 60 }),
    )
  })
})
