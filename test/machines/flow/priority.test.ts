import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_PRIORITY_SECONDS, clampPriority, priorityOrderAt } from '../../../machines/index.js'

describe('priority', () => {
  it('clamps to ±600 s by default and to a configured bound', () => {
    expect(DEFAULT_MAX_PRIORITY_SECONDS).toBe(600)
    expect(clampPriority(900)).toBe(600)
    expect(clampPriority(-900)).toBe(-600)
    expect(clampPriority(42)).toBe(42)
    expect(clampPriority(50_000, 43_200)).toBe(43_200)
  })

  it('counts anything but a finite number as 0 and truncates fractions', () => {
    for (const value of [undefined, null, 'high', Number.NaN, Number.POSITIVE_INFINITY]) expect(clampPriority(value)).toBe(0)
    expect(clampPriority(1.9)).toBe(1)
    expect(Object.is(clampPriority(-0.5), 0)).toBe(true)
  })

  it('orders a run as if it had been enqueued priority seconds earlier', () => {
    expect(priorityOrderAt(100_000, 30)).toBe(70_000)
    expect(priorityOrderAt(100_000, -30)).toBe(130_000)
    expect(priorityOrderAt(100_000, 5_000)).toBe(100_000 - 600_000)
  })
})
