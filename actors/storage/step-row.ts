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

type Column = string | number | null
export type StepRecord = Record<string, Column>

/** Row mapper: SQL record → StepRow. */
export function toStepRow(record: StepRecord): StepRow {
  return {
    key: String(record.key),
    id: String(record.id),
    kind: record.kind as StepKind,
    position: Number(record.position),
    concurrent: record.concurrent === 1,
    status: record.status as StepStatus,
    attempts: Number(record.attempts),
    output: (record.output as string | null) ?? null,
    error: record.error ? (JSON.parse(String(record.error)) as SerializedError) : null,
    startedAt: (record.started_at as number | null) ?? null,
    endedAt: (record.ended_at as number | null) ?? null,
    wakeAt: (record.wake_at as number | null) ?? null,
  }
}
