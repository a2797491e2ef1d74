/**
 * The host side of a handler pass. A completed step is one write: its row, the step's durable
 * record (no machine transition: its state and timers do not change). Every other call is a
 * transition, persisted with its step row (and the effects it causes) in one storage
 * transaction before it returns.
 */
import { canRecordStep, type RunContext, type RunEvent, type RunSnapshot } from '../machines/index.js'
import type { RunEventPayload, StepRecorder } from './engine/executor.js'
import type { RunPorts } from './run-effects.js'
import type { RunStore } from './storage/run-store.js'
import type { StepRow } from './storage/step-row.js'
import type { RunAddress } from './storage/stream-store.js'

/** What the recorder needs of its host. */
export interface RecorderHost {
  readonly store: RunStore
  readonly ports: RunPorts
  now(): number
  context(): RunContext
  triggers(): RunEventPayload[]
  /** Whether the run still holds its concurrency slots. */
  holdsSlots(): boolean
  /** Where this run is answered (`RunHostOptions.address`), for its registrations and parent links. */
  readonly hostedAt: { readonly host?: RunAddress }
  commit(event: RunEvent, write?: (next: RunSnapshot) => void): RunSnapshot
}

/** Remembers which event streams hold this run's registrations, to forget them at the end. */
export function noteStream(store: RunStore, name: string): void {
  const streams = store.readJson<string[]>('streams') ?? []
  if (!streams.includes(name)) store.writeJson('streams', [...streams, name])
}

export function createRecorder(host: RecorderHost, memo: StepRecorder['memo']): StepRecorder {
  const { store } = host
  const at = () => host.now()
  // Steps recorded = step rows: those the pass began with, plus new keys written since.
  const newKeys = new Set<string>()
  const counted = (row: StepRow) => {
    if (!memo.has(row.key)) newKeys.add(row.key)
    return row
  }
  const write = (row: StepRow) => store.writeStep(counted(row))
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
    requestWait: (row, wait) => {
      const context = host.context()
      const trigger = host.triggers()[0]!
      host.commit({ type: 'WAIT.REQUESTED', stepKey: row.key, event: wait.event, timeoutAt: wait.timeoutAt, at: at() }, () => {
        write(row)
        noteStream(store, wait.event)
        store.appendEffect({
          kind: 'register',
          registration: { runId: context.runId, stepKey: row.key, kind: 'wait', event: wait.event, expression: wait.expression, trigger, sinceTs: trigger.ts, expiresAt: wait.timeoutAt, ...(wait.exclusive ? { exclusive: true } : {}), ...host.hostedAt },
        })
      })
    },
    requestInvoke: (row, invoke) => {
      const context = host.context()
      const event: RunEventPayload = {
        name: 'inngest/function.invoked',
        // Derived from the invoking step: a replayed invoke starts the same child, once.
        id: `${context.runId}-invoke-${row.key}`,
        ts: at(),
        data: { ...invoke.data, _inngest: { parent_run_id: context.runId, parent_step: row.key } },
        user: {},
      }
      host.commit({ type: 'WAIT.REQUESTED', stepKey: row.key, event: 'inngest/function.finished', timeoutAt: invoke.timeoutAt, at: at() }, () => {
        write(row)
        store.appendEffect({ kind: 'start-run', functionId: invoke.functionId, event, parent: { runId: context.runId, stepKey: row.key, ...host.hostedAt } })
      })
    },
    publishEvents: async (events) => {
      if (!host.ports.publishEvents) throw new Error('step.sendEvent needs an event pipeline: this host was created without ports.publishEvents.')
      await host.ports.publishEvents(events)
    },
  }
}

