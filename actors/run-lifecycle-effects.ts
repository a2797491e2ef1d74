/**
 * The effects a run records at the two ends of its life, as plain data the host appends in the
 * transition's transaction: its `cancelOn` registrations when it starts, and what its end tells
 * the world (system events, stream clean-up, the invoking parent, the onFailure run).
 */
import type { RunContext } from '../machines/index.js'
import type { RunEventPayload } from './engine/executor.js'
import type { RunnableFunction } from './engine/function-definition.js'
import type { ParentLink, RunEffect } from './run-effects.js'
import { failureRun, systemEvents } from './start-run-request.js'
import type { RunAddress } from './storage/stream-store.js'

const YEAR_MS = 365 * 24 * 60 * 60 * 1000

/** One `register` effect per `cancelOn` entry of `fn`, matched against events since the trigger. */
export function cancellationEffects(run: RunContext, fn: RunnableFunction, trigger: RunEventPayload, now: number, hostedAt: { host?: RunAddress }): RunEffect[] {
  return (fn.options.cancelOn ?? []).map((cancel, index) => ({
    kind: 'register',
    registration: {
      runId: run.runId,
      stepKey: `cancelOn:${index}`,
      kind: 'cancel',
      event: cancel.event,
      expression: cancel.if ?? null,
      trigger,
      sinceTs: trigger.ts,
      expiresAt: now + (cancel.timeoutMs ?? YEAR_MS),
      ...hostedAt,
    },
  }))
}

/** What the run left behind that its end must reach. */
export interface FinishedRun {
  readonly run: RunContext
  readonly trigger: RunEventPayload | undefined
  /** The handler's return value (completed runs). */
  readonly output: unknown
  /** Event streams holding the run's registrations. */
  readonly streams: readonly string[]
  readonly parent: ParentLink | null
  /** Whether the function has an onFailure handler. */
  readonly hasFailureHandler: boolean
}

/** The effects of a run that reached `done` (none for a skipped run: it never started). */
export function finalEffects({ run, trigger, output, streams, parent, hasFailureHandler }: FinishedRun): RunEffect[] {
  if (run.outcome === 'skipped') return []
  const announced = systemEvents(run, trigger, output)
  const effects: RunEffect[] = [{ kind: 'publish', events: announced }]
  if (streams.length > 0) effects.push({ kind: 'forget', events: streams })
  if (parent) {
    const result = run.outcome === 'completed' ? { data: output } : { error: run.error ?? { name: 'Error', message: `child run ${run.outcome}` } }
    effects.push({ kind: 'notify-parent', parent, result })
  }
  // On failure `announced` is [function.finished, function.failed]: the onFailure run gets the latter.
  const failed = run.outcome === 'failed' ? announced[1] : undefined
  if (failed && hasFailureHandler) effects.push(failureRun(run, failed))
  return effects
}
