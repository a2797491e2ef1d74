/**
 * The pure API a host drives the run machine with: start, advance, persist and restore.
 * Built on XState's `initialTransition`/`transition`, which return the next snapshot without
 * executing anything, so a host can persist before it acts.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate'
import { runMachine } from './run-machine.js'
import type { PendingTimer, RunContext, RunEvent, RunInput, RunStateValue } from './run-types.js'

export type RunSnapshot = SnapshotFrom<typeof runMachine>

/** The JSON form a host stores: the state value and the context, nothing else. */
export interface PersistedRunSnapshot {
  readonly value: RunStateValue
  readonly context: RunContext
}

/** The snapshot of a run that was just queued. */
export function initialRunSnapshot(input: RunInput): RunSnapshot {
  return initialTransition(runMachine, input)[0]
}

/** The snapshot after `event`. An event the current state does not accept changes nothing. */
export function advanceRun(snapshot: RunSnapshot, event: RunEvent): RunSnapshot {
  return transition(runMachine, snapshot, event)[0]
}

/** The JSON-safe form to persist after a transition. */
export function persistRunSnapshot(snapshot: RunSnapshot): PersistedRunSnapshot {
  return { value: snapshot.value as RunStateValue, context: snapshot.context }
}

/** A live snapshot again, from its persisted form. */
export function restoreRunSnapshot(persisted: PersistedRunSnapshot): RunSnapshot {
  return runMachine.resolveState({ value: persisted.value, context: persisted.context })
}

/** The earliest pending wake-up, which the host keeps as its alarm. */
export function nextTimer(context: RunContext): PendingTimer | undefined {
  let next: PendingTimer | undefined
  for (const timer of context.timers) if (!next || timer.at < next.at) next = timer
  return next
}

/** Whether the run may record one more step without passing its limit. */
export function canRecordStep(context: RunContext): boolean {
  return context.stepsRecorded < context.maxSteps
}
