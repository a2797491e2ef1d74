/**
 * What it takes to start a run, and the runs and events a finished run leads to (its onFailure
 * run, Inngest's `inngest/function.*` system events), built as data so the host can persist
 * them with the transition that causes them.
 */
import type { RunContext } from '../machines/index.js'
import type { RunEventPayload } from './engine/executor.js'
import { deriveRunId } from './engine/run-id.js'
import { failureHandlerId } from './registry.js'
import type { ParentLink, RunEffect } from './run-effects.js'

export interface StartRunRequest {
  readonly runId: string
  /** Composite function id, `${appId}-${functionId}`. */
  readonly functionId: string
  readonly events: readonly RunEventPayload[]
  /** Set for a run started by `step.invoke`: where to report the result. */
  readonly parent?: ParentLink
  /** Set when flow control skipped the event (`rateLimit`, `idempotency`, `singleton`): recorded as a skipped run. */
  readonly skip?: string
}

/** The start request for a `start-run` effect, with its derived (idempotent) id. */
export async function toStartRequest(effect: Extract<RunEffect, { kind: 'start-run' }>): Promise<StartRunRequest> {
  const runId = await deriveRunId(effect.event.id, effect.functionId, effect.event.ts)
  return { runId, functionId: effect.functionId, events: [effect.event], ...(effect.parent ? { parent: effect.parent } : {}) }
}

/** Event data Inngest's system events carry about a finished run. */
function runData(run: RunContext, trigger: RunEventPayload | undefined) {
  return { function_id: run.functionId, run_id: run.runId, event: trigger ?? null }
}

function systemEvent(run: RunContext, name: string, data: Record<string, unknown>): RunEventPayload {
  // Deterministic id: announcing again after a crash reaches the same stream entry and run ids.
  return { name, id: `${run.runId}-${name.slice('inngest/function.'.length)}`, ts: run.endedAt ?? run.queuedAt, data, user: {} }
}

/** The system events of a finished run: `function.finished` always, plus `failed` or `cancelled`. */
export function systemEvents(run: RunContext, trigger: RunEventPayload | undefined, output: unknown): RunEventPayload[] {
  const base = runData(run, trigger)
  const finished = systemEvent(run, 'inngest/function.finished', run.outcome === 'completed' ? { ...base, result: output } : { ...base, error: run.error })
  if (run.outcome === 'failed') return [finished, systemEvent(run, 'inngest/function.failed', { ...base, error: run.error })]
  if (run.outcome === 'cancelled') return [finished, systemEvent(run, 'inngest/function.cancelled', base)]
  return [finished]
}

/** The onFailure run of a failed run: `failureHandlerId(functionId)`, started with its `inngest/function.failed` event. */
export function failureRun(run: RunContext, failed: RunEventPayload): RunEffect {
  return { kind: 'start-run', functionId: failureHandlerId(run.functionId), event: failed }
}
