/**
 * What it takes to start a run, and the follow-up runs a run starts itself (its onFailure
 * handler), kept as data so the host can persist them before acting.
 */
import type { RunContext } from '../machines/index.js'
import type { RunEventPayload } from './engine/executor.js'
import { deriveRunId } from './engine/run-id.js'

export interface StartRunRequest {
  readonly runId: string
  /** Composite function id, `${appId}-${functionId}`. */
  readonly functionId: string
  readonly events: readonly RunEventPayload[]
}

/** A run to start once the current transaction committed; its id is derived when started. */
export interface PendingRunStart {
  readonly functionId: string
  readonly event: RunEventPayload
}

/** The `inngest/function.failed` run of a function's onFailure handler. */
export function failureRun(failed: RunContext, events: readonly RunEventPayload[]): PendingRunStart {
  const at = failed.endedAt ?? failed.queuedAt
  return {
    functionId: `${failed.functionId}-failure`,
    event: {
      name: 'inngest/function.failed',
      id: `${failed.runId}-failed`,
      ts: at,
      data: { function_id: failed.functionId, run_id: failed.runId, error: failed.error, event: events[0] ?? null },
    },
  }
}

/** The start request for a pending run, with its derived (idempotent) id. */
export async function toStartRequest(pending: PendingRunStart): Promise<StartRunRequest> {
  const runId = await deriveRunId(pending.event.id, pending.functionId, pending.event.ts)
  return { runId, functionId: pending.functionId, events: [pending.event] }
}
