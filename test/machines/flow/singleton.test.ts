import { describe, expect, it } from 'vitest'
import { arriveSingleton, emptySingleton, finishSingleton } from '../../../machines/index.js'

describe('singleton', () => {
  it('starts a run when none is active', () => {
    expect(arriveSingleton(emptySingleton(), 'a', 'skip')).toEqual({ state: { activeRunId: 'a' }, verdict: { type: 'start' } })
  })

  it('skips a new run while one is active in skip mode', () => {
    const { state } = arriveSingleton(emptySingleton(), 'a', 'skip')
    expect(arriveSingleton(state, 'b', 'skip')).toEqual({ state, verdict: { type: 'skip', activeRunId: 'a' } })
  })

  it('cancels the active run and starts the new one in cancel mode', () => {
    const { state } = arriveSingleton(emptySingleton(), 'a', 'cancel')
    expect(arriveSingleton(state, 'b', 'cancel')).toEqual({ state: { activeRunId: 'b' }, verdict: { type: 'cancel-then-start', previous: 'a' } })
  })

  it('starts the active run again on redelivery without changing anything', () => {
    const { state } = arriveSingleton(emptySingleton(), 'a', 'skip')
    expect(arriveSingleton(state, 'a', 'skip')).toEqual({ state, verdict: { type: 'start' } })
  })

  it('frees the key when the active run finishes, and only then', () => {
    const { state } = arriveSingleton(arriveSingleton(emptySingleton(), 'a', 'cancel').state, 'b', 'cancel')
    expect(finishSingleton(state, 'a')).toEqual({ activeRunId: 'b' })
    expect(finishSingleton(state, 'b')).toEqual({ activeRunId: null })
    expect(arriveSingleton(finishSingleton(state, 'b'), 'c', 'skip').verdict).toEqual({ type: 'start' })
  })
})
