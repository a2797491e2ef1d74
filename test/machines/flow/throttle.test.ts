import { describe, expect, it } from 'vitest'
import { createThrottle, drainThrottle, enqueueThrottled, type ThrottleConfig, type ThrottleState } from '../../../machines/index.js'

const T0 = 1_700_000_000_000

/** Enqueues `count` items at `at`, then drains at every `wakeAt` until empty; returns start times. */
function run(config: ThrottleConfig, count: number): number[] {
  let state: ThrottleState<number> = createThrottle(config)
  const startedAt: number[] = []
  let wakeAt: number | undefined
  for (let item = 0; item < count; item++) {
    const decision = enqueueThrottled(state, item, T0)
    state = decision.state
    wakeAt = decision.wakeAt
    startedAt.push(...decision.start.map(() => T0))
  }
  while (wakeAt !== undefined) {
    const decision = drainThrottle(state, wakeAt)
    expect(decision.start.length, 'wakeAt is exact: something starts').toBeGreaterThan(0)
    startedAt.push(...decision.start.map(() => wakeAt!))
    state = decision.state
    wakeAt = decision.wakeAt
  }
  return startedAt.map((at) => at - T0)
}

describe('throttle', () => {
  it('starts limit + burst at once, then one every period / limit (Inngest: limit 2 / 6 s / burst 1)', () => {
    expect(run({ limit: 2, periodMs: 6_000 }, 6)).toEqual([0, 0, 0, 3_000, 6_000, 9_000])
  })

  it('defaults burst to 1 and accepts a larger burst', () => {
    expect(run({ limit: 1, periodMs: 5_000 }, 4)).toEqual([0, 0, 5_000, 10_000])
    expect(run({ limit: 1, periodMs: 5_000, burst: 2 }, 5)).toEqual([0, 0, 0, 5_000, 10_000])
  })

  it('smooths strictly to one per period with burst 0 and limit 1', () => {
    expect(run({ limit: 1, periodMs: 1_000, burst: 0 }, 3)).toEqual([0, 1_000, 2_000])
  })

  it('keeps emission intervals exact when period / limit is not a whole number of ms', () => {
    const starts = run({ limit: 3, periodMs: 1_000, burst: 0 }, 7)
    expect(starts).toEqual([0, 0, 0, 334, 667, 1_000, 1_334])
  })

  it('queues FIFO and never drops', () => {
    let state: ThrottleState<string> = createThrottle({ limit: 1, periodMs: 1_000, burst: 0 })
    const started: string[] = []
    for (const [index, item] of ['a', 'b', 'c'].entries()) {
      const decision = enqueueThrottled(state, item, T0 + index)
      started.push(...decision.start)
      state = decision.state
    }
    expect(started).toEqual(['a'])
    expect(state.queue).toEqual(['b', 'c'])
    const early = drainThrottle(state, T0 + 999)
    expect(early.start).toEqual([])
    expect(early.wakeAt).toBe(T0 + 1_000)
    const late = drainThrottle(state, T0 + 5_000)
    expect(late.start).toEqual(['b'])
    expect(late.wakeAt).toBe(T0 + 6_000)
    expect(drainThrottle(late.state, T0 + 6_000).start).toEqual(['c'])
  })

  it('lets capacity refill while idle, up to limit + burst', () => {
    let state: ThrottleState<number> = createThrottle({ limit: 2, periodMs: 6_000 })
    for (let i = 0; i < 3; i++) state = enqueueThrottled(state, i, T0).state
    for (let i = 0; i < 5; i++) state = enqueueThrottled(state, i, T0 + 60_000).state
    expect(state.queue).toEqual([3, 4])
  })

  it('reports no wake-up when nothing waits', () => {
    const decision = enqueueThrottled(createThrottle<string>({ limit: 5, periodMs: 1_000 }), 'x', T0)
    expect(decision).toMatchObject({ start: ['x'], wakeAt: undefined })
  })
})
