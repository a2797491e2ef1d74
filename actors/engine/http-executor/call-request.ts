/**
 * The body of a call to an app (inngest-js `helpers/functions.ts parseFnData`; server
 * `driver/request.go SDKRequest`): the trigger events, the memo of settled steps keyed by hashed
 * step id, and `ctx` (run id, attempt, the order steps settled in). Pure.
 *
 * `ctx.fn_id` is left out on purpose: a v4 SDK checkpoints (runs steps in-process and posts them
 * to `/v1/checkpoint/…`) only when the call carries it (`InngestFunction.shouldAsyncCheckpoint`),
 * so without it every SDK answers with the classic one-step-per-call ops (`206`).
 */
import type { RunEventPayload } from '../executor.js'
import type { StepRow } from '../../storage/step-row.js'

/** A settled step as the SDK memoizes it: `{ data }` or `{ error }`. */
export type MemoValue = { readonly data: unknown } | { readonly error: unknown }

/** What one call asks of the app. */
export interface CallInput {
  readonly runId: string
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
    .filter((row) => row.status === 'completed' || row.status === 'failed')
    .sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0) || a.position - b.position)
  const steps: Record<string, MemoValue> = {}
  for (const row of settled) {
    steps[row.key] = row.status === 'completed' ? { data: row.output === null ? null : JSON.parse(row.output) } : { error: row.error ?? { name: 'Error', message: 'step failed' } }
  }
  return { steps, stack: settled.map((row) => row.key) }
}

/** The JSON body of a call. `version: -1` lets the SDK choose its execution version. */
export function callRequestBody(input: CallInput): Record<string, unknown> {
  const { steps, stack } = memoOf(input.rows)
  return {
    event: input.events[0] ?? {},
    events: input.events,
    steps,
    version: -1,
    use_api: false,
    ctx: {
      run_id: input.runId,
      attempt: input.attempt,
      max_attempts: input.maxAttempts,
      disable_immediate_execution: input.disableImmediateExecution,
      use_api: false,
      stack: { stack, current: stack.length },
    },
  }
}
