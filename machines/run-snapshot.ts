/**
 * The pure API a host drives the run machine with: start, advance, persist and restore.
 * Built on XState's `initialTransition`/`transition`, which return the next snapshot without
 * executing anything, so a host can persist before it acts.
 */
import { createActor, type AnyActorScope, type SnapshotFrom } from 'xstate'
import { COMPATIBILITY, needsBranch, RUN_SNAPSHOT_VERSION, storedVersion } from './compatibility.js'
import { runMachine } from './run-machine.js'
import type { PendingTimer, RunContext, RunEvent, RunInput, RunStateValue } from './run-types.js'

export type RunSnapshot = SnapshotFrom<typeof runMachine>

/** The JSON form a host stores: the state value and the context, nothing else, and the version it was written at. */
export interface PersistedRunSnapshot {
  /** `RUN_SNAPSHOT_VERSION` when written; absent in snapshots written before versions were recorded (compatibility.ts). */
  readonly version?: number
  readonly value: RunStateValue
  readonly context: RunContext
}

/** The snapshot of a run that was just queued (same as `initialTransition`, on the reused scope). */
export function initialRunSnapshot(input: RunInput): RunSnapshot {
  return runMachine.getInitialSnapshot(scope(), input)
}

let inertScope: AnyActorScope | undefined

/**
 * An actor scope that executes nothing, built once. XState's `transition()` and
 * `initialTransition()` build a new actor for every call (about 30 µs); the run machine has only
 * `assign` actions, which the transition applies itself, so one inert scope serves every call.
 */
function scope(): AnyActorScope {
  if (!inertScope) {
    const input = { runId: '', functionId: '', retry: { attempts: 1, backoff: 'fixed', initialDelayMs: 0, maxDelayMs: 0 }, maxSteps: 0, at: 0 } as const
    const self = createActor(runMachine, { input })
    const noop = () => {}
    inertScope = { self, system: self.system, id: '', sessionId: '', defer: noop, logger: noop, stopChild: noop, emit: noop, actionExecutor: noop } as unknown as AnyActorScope
  }
  return inertScope
}

/** The snapshot after `event`. An event the current state does not accept changes nothing. */
export function advanceRun(snapshot: RunSnapshot, event: RunEvent): RunSnapshot {
  return runMachine.transition(snapshot, event, scope())
}

/** The JSON-safe form to persist after a transition. */
export function persistRunSnapshot(snapshot: RunSnapshot): PersistedRunSnapshot {
  return { version: RUN_SNAPSHOT_VERSION, value: snapshot.value as RunStateValue, context: snapshot.context }
}

/** A live snapshot again, from its persisted form of any version (compatibility.ts lists what older ones need). */
export function restoreRunSnapshot(persisted: PersistedRunSnapshot): RunSnapshot {
  let context = persisted.context
  if (needsBranch(COMPATIBILITY.stepsRecorded, storedVersion(persisted))) {
    const { stepsRecorded: _counted, ...rest } = context as RunContext & { stepsRecorded?: number }
    context = rest
  }
  return runMachine.resolveState({ value: persisted.value, context })
}

/** The earliest pending wake-up, which the host keeps as its alarm. */
export function nextTimer(context: RunContext): PendingTimer | undefined {
  let next: PendingTimer | undefined
  for (const timer of context.timers) if (!next || timer.at < next.at) next = timer
  return next
}

/** Whether a run with `recordedSteps` step rows may record one more without passing its limit. */
export function canRecordStep(context: RunContext, recordedSteps: number): boolean {
  return recordedSteps < context.maxSteps
}
