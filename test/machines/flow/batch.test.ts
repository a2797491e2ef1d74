import { describe, expect, it } from 'vitest'
import { addToBatch, emptyBatch, flushDueBatch, type BatchState } from '../../../machines/index.js'

const T0 = 1_700_000_000_000
const options = { maxSize: 3, timeoutMs: 10_000 }

describe('batch', () => {
  it('flushes when the batch is full', () => {
    let state: BatchState<string> = emptyBatch()
    const first = addToBatch(state, 'a', T0, options)
    expect(first).toMatchObject({ flush: undefined, wakeAt: T0 + 10_000 })
    state = addToBatch(first.state, 'b', T0 + 1, options).state
    const full = addToBatch(state, 'c', T0 + 2, options)
    expect(full.flush).toEqual(['a', 'b', 'c'])
    expect(full.state).toEqual(emptyBatch())
    expect(full.wakeAt).toBeUndefined()
  })

  it('flushes a partial batch on timeout from its first event', () => {
    const state = addToBatch(addToBatch(emptyBatch<string>(), 'a', T0, options).state, 'b', T0 + 9_000, options).state
    expect(flushDueBatch(state, T0 + 9_999)).toMatchObject({ flush: undefined, wakeAt: T0 + 10_000 })
    const due = flushDueBatch(state, T0 + 10_000)
    expect(due.flush).toEqual(['a', 'b'])
    expect(flushDueBatch(due.state, T0 + 10_000).flush).toBeUndefined()
  })

  it('adds a late event to the due batch and flushes it at once', () => {
    const state = addToBatch(emptyBatch<string>(), 'a', T0, options).state
    expect(addToBatch(state, 'b', T0 + 20_000, options).flush).toEqual(['a', 'b'])
  })

  it('starts a new batch after a flush', () => {
    const first = addToBatch(emptyBatch<string>(), 'a', T0, { maxSize: 1, timeoutMs: 10_000 })
    expect(first.flush).toEqual(['a'])
    expect(addToBatch(first.state, 'b', T0 + 1, options)).toMatchObject({ flush: undefined, wakeAt: T0 + 10_001 })
  })
})
