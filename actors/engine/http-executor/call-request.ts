/**
 * The body of a call to an app (inngest-js `helpers/functions.ts parseFnData`; server
 * `driver/request.go SDKRequest`): the trigger events, the memo of settled steps keyed by hashed
 * step id, and `ctx` (run id, attempt, the order steps settled in). Pure.
 *
 * `ctx.fn_id` turns a v4 SDK's checkpointing on (`InngestFunction.shouldAsyncCheckpoint`): it
 * runs the steps it finds in-process and posts each to `/v1/checkpoint/:runId/async` with the
 * call's `ctx.qi_id`, then answers only with what suspends the run (a sleep, a wait, planned
 * parallel steps) or `RunComplete`. Without it (an SDK too old, or `checkpointing: false`) the
 * SDK answers with the classic one-step-per-call ops (`206`).
 */
import type { RunEventPayload } from '../executor.js'
import { jsonOverLimit } from '../jsonify.js'
import { sdkMemoRow } from './signal-op.js'
import type { StepRow } from '../../storage/step-row.js'

/** A settled step as the SDK memoizes it: `{ data }` or `{ error }`. */
export type MemoValue = { readonly data: unknown } | { readonly error: unknown }

/** What one call asks of the app. */
export interface CallInput {
  readonly runId: string
  /** The function's id, as `ctx.fn_id`. */
  readonly functionId: string
  /** Names this call, as `ctx.qi_id`: the SDK's checkpoints carry it back. */
  readonly callId: string
  readonly events: readonly RunEventPayload[]
  readonly rows: Iterable<StepRow>
  /** The attempt the call executes: the run's, or the retried step's. */
  readonly attempt: number
  readonly maxAttempts: number
  /** True once steps ran in parallel (and while a step waits for its retry): the SDK plans, never runs, new steps during discovery. */
  readonly disableImmediateExecution: boolean
}

/** The memo of settled steps and their keys in the order they settled (the SDK replays in that order). */
export function memoOf(rows: Iterable<StepRow>): { steps: Record<string, MemoValue>; stack: string[] } {
  const settled = [...rows]
    .map(sdkMemoRow)
    .filter((row) => row.status === 'completed' || row.status === 'failed')
    .sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0) || a.position - b.position)
  const steps: Record<string, MemoValue> = {}
  for (const row of settled) {
    steps[row.key] = row.status === 'completed' ? { data: row.output === null ? null : JSON.parse(row.output) } : { error: row.error ?? { name: 'Error', message: 'step failed' } }
  }
  return { steps, stack: settled.map((row) => row.key) }
}

/**
 * Past this many bytes of memo and events, a call carries neither and says `use_api`: the SDK
 * fetches them (`GET /v0/runs/:runId/actions` and `/batch`), as Inngest does over its 4 MB
 * request limit, which many hosts also put on request bodies.
 */
export const MAX_INLINE_STATE_BYTES = 4 * 1024 * 1024

/** The JSON body of a call. `version: -1` lets the SDK choose its execution version. */
export function callRequestBody(input: CallInput, maxInlineBytes = MAX_INLINE_STATE_BYTES): Record<string, unknown> {
  const { steps, stack } = memoOf(input.rows)
  const useApi = jsonOverLimit(JSON.stringify(steps) + JSON.stringify(input.events), maxInlineBytes)
  return {
    event: input.events[0] ?? {},
    events: useApi ? [] : input.events,
    steps: useApi ? {} : steps,
    version: -1,
    use_api: useApi,
    ctx: {
      run_id: input.runId,
      fn_id: input.functionId,
      qi_id: input.callId,
      attempt: input.attempt,
      max_attempts: input.maxAttempts,
      disable_immediate_execution: input.disableImmediateExecution,
      use_api: useApi,
      stack: { stack, current: stack.length },
    },
  }
}
