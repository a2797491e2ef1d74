/**
 * A run as inspection shows it: the persisted XState snapshot, the step timeline and the
 * output, plus the status in Inngest's vocabulary. Plain data, safe to return over RPC.
 */
import { OUTCOME_STATUS, type PersistedRunSnapshot, type SerializedError } from '../machines/index.js'
import type { RunEventPayload } from './engine/executor.js'
import type { RunEffect } from './run-effects.js'
import type { RunStore } from './storage/run-store.js'
import type { StepKind, StepStatus } from './storage/step-row.js'

/** Inngest's run statuses (REST `status`). */
export type InngestRunStatus = 'Scheduled' | 'Running' | 'Completed' | 'Failed' | 'Cancelled' | 'Skipped' | 'Unknown'

export interface StepTimelineEntry {
  readonly key: string
  readonly id: string
  readonly kind: StepKind
  /** Call position within one execution of the handler (replay checks it). */
  readonly position: number
  /** Planned while another step was executing (parallel): its position may vary. */
  readonly concurrent: boolean
  readonly status: StepStatus
  readonly attempts: number
  readonly startedAt: number | null
  readonly endedAt: number | null
  readonly wakeAt: number | null
  readonly output: unknown
  readonly error: SerializedError | null
}

/** An effect of the run (a system event, a parent notification …) it gave up performing. */
export interface FailedEffect {
  readonly kind: RunEffect['kind']
  /** The last attempt's error. */
  readonly error: SerializedError | null
  readonly attempts: number
  /** When the run gave up on it (epoch ms). */
  readonly at: number
}

export interface RunInspection {
  readonly status: InngestRunStatus
  /** The persisted machine snapshot, exactly as stored; null for a run never started. */
  readonly snapshot: PersistedRunSnapshot | null
  readonly steps: readonly StepTimelineEntry[]
  readonly output: unknown
  readonly events: readonly RunEventPayload[]
  /** Effects recorded but not yet performed (waits to register, runs to start, events to publish). */
  readonly effectsPending: boolean
  /** Effects the run gave up on after their attempts (effect-retry.ts), in the order it gave up. */
  readonly failedEffects: readonly FailedEffect[]
}

/** Inngest's status for a machine state. */
export function inngestStatus(snapshot: PersistedRunSnapshot | null): InngestRunStatus {
  if (!snapshot) return 'Unknown'
  if (snapshot.value === 'queued') return 'Scheduled'
  if (snapshot.value !== 'done') return 'Running'
  return snapshot.context.outcome ? OUTCOME_STATUS[snapshot.context.outcome] : 'Unknown'
}

export function inspectRun(snapshot: PersistedRunSnapshot | null, store: RunStore): RunInspection {
  const output = store.readText('output')
  return {
    status: inngestStatus(snapshot),
    snapshot,
    steps: store.readSteps().map((row) => ({
      key: row.key,
      id: row.id,
      kind: row.kind,
      position: row.position,
      concurrent: row.concurrent,
      status: row.status,
      attempts: row.attempts,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      wakeAt: row.wakeAt,
      output: row.output === null ? null : JSON.parse(row.output),
      error: row.error,
    })),
    output: output === null ? null : JSON.parse(output),
    events: store.readJson<RunEventPayload[]>('trigger') ?? [],
    effectsPending: store.hasEffects(),
    failedEffects: store.failedEffects<RunEffect>().map((row) => ({ kind: row.effect.kind, error: row.error, attempts: row.attempts, at: row.failedAt })),
  }
}

/**
 * A run's status without its steps: cheap enough to ask often (pollers, singleton checks,
 * start). Like Cloudflare Workflows' `status()`, it carries the output or error once done.
 */
export interface RunStatusSummary {
  readonly runId: string | null
  readonly status: InngestRunStatus
  readonly state: PersistedRunSnapshot['value'] | null
  /** The handler's return value, once Completed; else null. */
  readonly output: unknown
  /** Why the run failed, was cancelled or skipped; else null. */
  readonly error: SerializedError | null
  readonly effectsPending: boolean
}

export function runStatus(snapshot: PersistedRunSnapshot | null, store: RunStore): RunStatusSummary {
  const completed = snapshot?.context.outcome === 'completed'
  const output = completed ? store.readText('output') : null
  return {
    runId: snapshot?.context.runId ?? null,
    status: inngestStatus(snapshot),
    state: snapshot?.value ?? null,
    output: output === null ? null : JSON.parse(output),
    error: snapshot?.context.error ?? null,
    effectsPending: store.hasEffects(),
  }
}
