import { describe, expect, it } from 'vitest'
import { emptyDebounce, fireDebounce, pushDebounce, type DebounceState } from '../../../machines/index.js'

const T0 = 1_700_000_000_000
const period = { periodMs: 5_000 }

describe('debounce', () => {
  it('fires once, period after the last event, with the last event', () => {
    let state: DebounceState<string> = emptyDebounce()
    state = pushDebounce(state, 'a', T0, period).state
    const second = pushDebounce(state, 'b', T0 + 3_000, period)
    expect(second.wakeAt).toBe(T0 + 8_000)
    expect(fireDebounce(second.state, T0 + 7_999)).toMatchObject({ fire: undefined, wakeAt: T0 + 8_000 })
    const fired = fireDebounce(second.state, T0 + 8_000)
    expect(fired.fire).toEqual({ event: 'b', firstAt: T0, lastAt: T0 + 3_000, dueAt: T0 + 8_000, count: 2 })
    expect(fired.state).toEqual(emptyDebounce())
    expect(fireDebounce(fired.state, T0 + 8_000).fire).toBeUndefined()
  })

  it('caps the delay at timeout after the first event', () => {
    const options = { periodMs: 5_000, timeoutMs: 12_000 }
    let state: DebounceState<number> = emptyDebounce()
    let wakeAt: number | undefined
    for (let i = 0; i < 5; i++) ({ state, wakeAt } = pushDebounce(state, i, T0 + i * 2_500, options))
    expect(wakeAt).toBe(T0 + 12_000)
    expect(fireDebounce(state, T0 + 12_000).fire?.event).toBe(4)
  })

  it('fires the due period first when an event arrives after it (a late alarm)', () => {
    const first = pushDebounce(emptyDebounce<string>(), 'a', T0, period)
    const late = pushDebounce(first.state, 'b', T0 + 9_000, period)
    expect(late.fire?.event).toBe('a')
    expect(late.state.pending).toEqual({ event: 'b', firstAt: T0 + 9_000, lastAt: T0 + 9_000, dueAt: T0 + 14_000, count: 1 })
  })

  it('starts a new period for an event exactly at dueAt', () => {
    const first = pushDebounce(emptyDebounce<string>(), 'a', T0, period)
    expect(pushDebounce(first.state, 'b', T0 + 5_000, period).fire?.event).toBe('a')
  })

  it('does nothing when nothing is pending', () => {
    expect(fireDebounce(emptyDebounce(), T0)).toEqual({ state: emptyDebounce(), fire: undefined, wakeAt: undefined })
  })
})
