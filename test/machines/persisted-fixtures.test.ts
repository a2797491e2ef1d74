import { describe, expect, it } from 'vitest'
import { advanceRun, restoreRunSnapshot, type RunEvent } from '../../machines/index.js'
import { v1Snapshots } from './fixtures/v1-snapshots.js'

const wakeOf: Record<string, (stepKey: string, at: number) => RunEvent> = {
  sleeping: (stepKey, at) => ({ type: 'SLEEP.ELAPSED', stepKey, at }),
  retrying: (stepKey, at) => ({ type: 'RETRY.DUE', stepKey, at }),
  waiting: (stepKey, at) => ({ type: 'WAIT.TIMED_OUT', stepKey, at }),
}

describe('persisted snapshots from earlier versions', () => {
  it.each(Object.entries(v1Snapshots))('restores a v1 %s snapshot and finishes it', (state, persisted) => {
    let snapshot = restoreRunSnapshot(persisted)
    expect(snapshot.value).toBe(state)
    // v1's step counter is dropped on restore: the step rows are the count now.
    expect(snapshot.context).not.toHaveProperty('stepsRecorded')
    const timer = persisted.context.timers[0]
    if (timer) snapshot = advanceRun(snapshot, wakeOf[state]!(timer.stepKey, timer.at))
    expect(snapshot.value).toBe('running')
    snapshot = advanceRun(snapshot, { type: 'STEP.FAILED', stepKey: 'last', attempt: 0, error: { name: 'Error', message: 'once' }, at: 1795700000000 })
    snapshot = advanceRun(snapshot, { type: 'RUN.SUSPENDED', at: 1795700000000 })
    expect(snapshot.value).toBe('retrying')
    snapshot = advanceRun(snapshot, { type: 'RETRY.DUE', stepKey: 'last', at: snapshot.context.timers[0]!.at })
    snapshot = advanceRun(snapshot, { type: 'RUN.COMPLETED', at: 1795700000001 })
    expect(snapshot.value).toBe('done')
    expect(snapshot.context).toMatchObject({ outcome: 'completed', endedAt: 1795700000001, timers: [] })
  })
})
