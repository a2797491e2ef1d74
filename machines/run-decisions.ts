/**
 * The machine decides what happens next: `transitionRun` returns the next snapshot and the
 * effects the transition causes, as data, the way XState's `transition()` returns
 * `[snapshot, actions]`. The host persists both in one transaction, then performs the effects.
 * Nothing here reads a clock or storage: what a decision needs beyond the snapshot and the event
 * comes in `RunFacts`, and what only a run's end needs is read only then (`RunFacts.ended`).
 */
import type { InvokeResult, ParentLink, RunAddress, RunEffect, RunEventPayload } from './run-effects.js'
import { indexEntry, systemEvents } from './run-end.js'
import { advanceRun, type RunSnapshot } from './run-snapshot.js'
import type { RunContext, RunEvent } from './run-types.js'

/** A `cancelOn` rule of the run's function: `if` is CEL over `event` and `async`. */
export interface CancelRule {
  readonly event: string
  readonly if?: string
  /** How long after the run started the cancellation applies; default a year. */
  readonly timeoutMs?: number
}

/** What the run left behind that its end must reach, read from its storage when it ends. */
export interface EndedRunFacts {
  /** The handler's return value (completed runs). */
  readonly output: unknown
  /** Event streams holding the run's registrations. */
  readonly streams: readonly string[]
  /** The invoking run, for a run started by `step.invoke`. */
  readonly parent: ParentLink | null
}

/** What decisions need beyond the snapshot and the event: the run's trigger and function. */
export interface RunFacts {
  readonly trigger: RunEventPayload | undefined
  /** The object hosting the run when it is not its own `RunActor`. */
  readonly host?: RunAddress
  readonly cancelOn: readonly CancelRule[]
  /** The id of the function's onFailure handler, if it has one. */
  readonly failureHandlerId?: string
  /** Whether the host keeps a run index (the dashboard's list): without one, no `index` effects. */
  readonly indexed?: boolean
  ended(): EndedRunFacts
}

/** A transition: the snapshot after the event and the effects it causes. */
export interface RunTransition {
  readonly snapshot: RunSnapshot
  readonly effects: readonly RunEffect[]
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000

/** The snapshot after `event` and what it causes. An event the state does not accept causes nothing. */
export function transitionRun(current: RunSnapshot, event: RunEvent, facts: RunFacts): RunTransition {
  const snapshot = advanceRun(current, event)
  return { snapshot, effects: snapshot === current ? [] : decideEffects(current, snapshot, event, facts) }
}

/** The effects of an accepted transition from `before` to `after` on `event`. */
export function decideEffects(before: RunSnapshot, after: RunSnapshot, event: RunEvent, facts: RunFacts): RunEffect[] {
  const run = after.context
  const hostedAt = facts.host ? { host: facts.host } : {}
  const effects: RunEffect[] = []
  if (event.type === 'RUN.START' && before.value === 'queued') {
    effects.push(...cancellations(run, facts, event.at), ...indexing(run, facts))
  }
  if (event.type === 'WAIT.REQUESTED' && facts.trigger) {
    const { stepKey, expression = null, exclusive } = event
    const trigger = facts.trigger
    effects.push({
      kind: 'register',
      registration: { runId: run.runId, stepKey, kind: 'wait', event: event.event, expression, trigger, sinceTs: trigger.ts, expiresAt: event.timeoutAt, ...(exclusive ? { exclusive } : {}), ...hostedAt },
    })
  }
  if (event.type === 'INVOKE.REQUESTED') {
    const child: RunEventPayload = {
      name: 'inngest/function.invoked',
      // Derived from the invoking step: a replayed invoke starts the same child, once.
      id: `${run.runId}-invoke-${event.stepKey}`,
      ts: event.at,
      data: { ...event.data, _inngest: { parent_run_id: run.runId, parent_step: event.stepKey } },
      user: {},
    }
    effects.push({ kind: 'start-run', functionId: event.functionId, event: child, parent: { runId: run.runId, stepKey: event.stepKey, ...hostedAt } })
  }
  if (event.type === 'WAIT.TIMED_OUT') {
    const timer = before.context.timers.find((t) => t.stepKey === event.stepKey && t.kind === 'wait')
    // A child run's timeout has no registration to close: its result comes to the run directly.
    if (timer?.event && !timer.invoke) effects.push({ kind: 'close', event: timer.event, stepKey: event.stepKey })
  }
  if (after.value === 'done' && before.value !== 'done') effects.push(...endEffects(run, facts))
  return effects
}

/** One `register` effect per `cancelOn` rule, matched against events since the trigger. */
function cancellations(run: RunContext, facts: RunFacts, at: number): RunEffect[] {
  const trigger = facts.trigger
  if (!trigger) return []
  return facts.cancelOn.map((cancel, index) => ({
    kind: 'register',
    registration: {
      runId: run.runId,
      stepKey: `cancelOn:${index}`,
      kind: 'cancel',
      event: cancel.event,
      expression: cancel.if ?? null,
      trigger,
      sinceTs: trigger.ts,
      expiresAt: at + (cancel.timeoutMs ?? YEAR_MS),
      ...(facts.host ? { host: facts.host } : {}),
    },
  }))
}

/** What a run's end tells the world: system events, stream clean-up, its parent, its onFailure run, the index. */
function endEffects(run: RunContext, facts: RunFacts): RunEffect[] {
  if (run.outcome === 'skipped') return indexing(run, facts) // it never started: nothing to announce
  const { output, streams, parent } = facts.ended()
  const announced = systemEvents(run, facts.trigger, output)
  const effects: RunEffect[] = [{ kind: 'publish', events: announced }]
  if (streams.length > 0) effects.push({ kind: 'forget', events: streams })
  if (parent) effects.push({ kind: 'notify-parent', parent, result: invokeResult(run, output) })
  // On failure `announced` is [function.finished, function.failed]: the onFailure run gets the latter.
  const failed = run.outcome === 'failed' ? announced[1] : undefined
  if (failed && facts.failureHandlerId) effects.push({ kind: 'start-run', functionId: facts.failureHandlerId, event: failed })
  effects.push(...indexing(run, facts))
  return effects
}

/** The run index's entry for the run as it stands, when the host keeps an index. */
function indexing(run: RunContext, facts: RunFacts): RunEffect[] {
  return facts.indexed ? [{ kind: 'index', entry: indexEntry(run, facts.trigger, facts.host) }] : []
}

function invokeResult(run: RunContext, output: unknown): InvokeResult {
  return run.outcome === 'completed' ? { data: output } : { error: run.error ?? { name: 'Error', message: `child run ${run.outcome}` } }
}
