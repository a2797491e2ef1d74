/**
 * The host side of a handler pass. A completed step is one write: its row, the step's durable
 * record (no machine transition: its state and timers do not change). Every other call is a
 * transition, persisted with its step row, and the effects the machine decides for it, in one
 * storage transaction before it returns.
 */
import { canRecordStep, type RunContext, type RunEvent, type RunSnapshot } from '../machines/index.js'
import type { StepRecorder } from './engine/executor.js'
import type { RunPorts } from './run-effects.js'
import type { RunStore } from './storage/run-store.js'
import type { StepRow } from './storage/step-row.js'

/** What the recorder needs of its host. */
export interface RecorderHost {
  readonly store: RunStore
  readonly ports: Pick<RunPorts, 'publishEvents'>
  now(): number
  context(): RunContext
  /** Whether the run still holds its concurrency slots. */
  holdsSlots(): boolean
  /** Whether a synchronous step body commits with its row (a run in an entity, beside the object's own state). */
  readonly atomicSteps: boolean
  /** One transition: `write` (the step row) and the machine's effects commit with the snapshot. */
  commit(event: RunEvent, write?: (next: RunSnapshot) => void): RunSnapshot
}

export function createRecorder(host: RecorderHost, memo: StepRecorder['memo']): StepRecorder {
  const at = () => host.now()
  // Steps recorded = step rows: those the pass began with, plus new keys written since.
  const newKeys = new Set<string>()
  const write = (row: StepRow) => {
    if (!memo.has(row.key)) newKeys.add(row.key)
    host.store.writeStep(row)
  }
  return {
    memo,
    now: at,
    pendingTimer: (stepKey) => host.context().timers.find((timer) => timer.stepKey === stepKey),
    canRecordStep: () => canRecordStep(host.context(), memo.size + newKeys.size),
    mayStartStep: () => host.holdsSlots(),
    // One statement is atomic on its own; the snapshot is unchanged, so nothing else to write.
    completeStep: (row) => write(row),
    failStep: (row, attempt, error, nonRetriable, retryAt) => {
      const event: RunEvent = { type: 'STEP.FAILED', stepKey: row.key, attempt, error, nonRetriable, at: at(), ...(retryAt === undefined ? {} : { retryAt }) }
      let retrying = false
      host.commit(event, (next) => {
        retrying = next.context.timers.some((timer) => timer.stepKey === row.key && timer.kind === 'retry')
        write({ ...row, status: retrying ? 'retrying' : 'failed' })
      })
      return retrying ? 'retrying' : 'failed'
    },
    requestSleep: (row) => void host.commit({ type: 'SLEEP.REQUESTED', stepKey: row.key, wakeAt: row.wakeAt ?? at(), at: at() }, () => write(row)),
    requestWait: (row, { event, timeoutAt, expression, exclusive }) =>
      void host.commit({ type: 'WAIT.REQUESTED', stepKey: row.key, event, timeoutAt, expression, ...(exclusive ? { exclusive } : {}), at: at() }, () => write(row)),
    requestInvoke: (row, { functionId, data, timeoutAt }) =>
      void host.commit({ type: 'INVOKE.REQUESTED', stepKey: row.key, functionId, data, timeoutAt, at: at() }, () => write(row)),
    ...(host.atomicSteps ? { atomically: <T>(work: () => T) => host.store.transaction(work) } : {}),
    publishEvents: async (events) => {
      if (!host.ports.publishEvents) throw new Error('step.sendEvent needs an event pipeline: this host was created without ports.publishEvents.')
      await host.ports.publishEvents(events)
    },
  }
}
