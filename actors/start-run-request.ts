/**
 * What it takes to start a run: the request a run's object receives, and the one a `start-run`
 * effect (an onFailure run, an invoked child) becomes, with its derived id.
 */
import type { ParentLink, RunEffect, RunEventPayload } from '../machines/index.js'
import { deriveRunId } from './engine/run-id.js'
import type { StepRow } from './storage/step-row.js'

export interface StartRunRequest {
  readonly runId: string
  /** Composite function id, `${appId}-${functionId}`. */
  readonly functionId: string
  readonly events: readonly RunEventPayload[]
  /** Set for a run started by `step.invoke`: where to report the result. */
  readonly parent?: ParentLink
  /** Set when flow control skipped the event (`rateLimit`, `idempotency`, `singleton`): recorded as a skipped run. */
  readonly skip?: string
  /**
   * Step rows the run starts with, memoized: a rerun from a chosen step reuses the completed
   * steps before it (their results are not computed again). Written with the run's start.
   */
  readonly memo?: readonly StepRow[]
}

/** The start request for a `start-run` effect, with its derived (idempotent) id. */
export async function toStartRequest(effect: Extract<RunEffect, { kind: 'start-run' }>): Promise<StartRunRequest> {
  const runId = await deriveRunId(effect.event.id, effect.functionId, effect.event.ts)
  return { runId, functionId: effect.functionId, events: [effect.event], ...(effect.parent ? { parent: effect.parent } : {}) }
}
