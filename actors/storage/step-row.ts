/**
 * A step as stored: one row per step key, rewritten in place as the step moves from retrying to
 * completed. Outputs and errors are JSON text, parsed only when the handler asks for them.
 */
import type { SerializedError } from '../../machines/index.js'

export type StepKind = 'run' | 'sleep' | 'wait' | 'invoke' | 'sendEvent'
export type StepStatus = 'completed' | 'failed' | 'retrying' | 'sleeping' | 'waiting'

export interface StepRow {
  readonly key: string
  readonly id: string
  readonly kind: StepKind
  /** Call position within one execution of the handler, for non-determinism checks. */
  readonly position: number
  /** Planned while another step was executing: its position may vary between executions. */
  readonly concurrent: boolean
  readonly status: StepStatus
  /** Failed attempts so far. */
  readonly attempts: number
  /** JSON text of the result, for completed steps. */
  readonly output: string | null
  readonly error: SerializedError | null
  readonly startedAt: number | null
  readonly endedAt: number | null
  readonly wakeAt: number | null
}

type Column = string | number | ArrayBuffer | null

/** The columns a step row is read with, in the order `toStepRow` maps them. */
export const STEP_COLUMNS = 'key, id, kind, position, concurrent, status, attempts, output, error, started_at, ended_at, wake_at'

/**
 * Row mapper: the values of `STEP_COLUMNS`, positionally. Positional (`cursor.raw()`) because
 * replay reads every row of a run at once, and skipping per-row objects makes that 4× cheaper.
 * `resolve` turns a stored output or error into its text (a chunk marker into its parts).
 */
export function toStepRow(values: readonly Column[], resolve: (stored: string) => string = (stored) => stored): StepRow {
  const [key, id, kind, position, concurrent, status, attempts, output, error, startedAt, endedAt, wakeAt] = values
  return {
    key: String(key),
    id: String(id),
    kind: kind as StepKind,
    position: Number(position),
    concurrent: concurrent === 1,
    status: status as StepStatus,
    attempts: Number(attempts),
    output: output === null || output === undefined ? null : resolve(output as string),
    error: error ? (JSON.parse(resolve(String(error))) as SerializedError) : null,
    startedAt: (startedAt as number | null) ?? null,
    endedAt: (endedAt as number | null) ?? null,
    wakeAt: (wakeAt as number | null) ?? null,
  }
}
