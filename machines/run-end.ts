/**
 * What an ended run tells the world, as data: Inngest's `inngest/function.*` system events and
 * the run index's entry. Ids are derived from the run, so announcing again after a crash reaches
 * the same stream entries and run ids.
 */
import type { RunAddress, RunEventPayload } from './run-effects.js'
import type { IndexedRunStatus, RunIndexEntry } from './run-index-entry.js'
import type { RunContext } from './run-types.js'

/** Event data Inngest's system events carry about a finished run. */
function runData(run: RunContext, trigger: RunEventPayload | undefined) {
  return { function_id: run.functionId, run_id: run.runId, event: trigger ?? null }
}

function systemEvent(run: RunContext, name: string, data: Record<string, unknown>): RunEventPayload {
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

/** Inngest's status for each way a run ends (REST `status`, the run index). */
export const OUTCOME_STATUS = { completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled', skipped: 'Skipped' } as const satisfies Record<NonNullable<RunContext['outcome']>, IndexedRunStatus>

/** The run index's entry for `run` as it stands: Running until it has an outcome. */
export function indexEntry(run: RunContext, trigger: RunEventPayload | undefined, host: RunAddress | undefined): RunIndexEntry {
  return {
    runId: run.runId,
    functionId: run.functionId,
    status: run.outcome ? OUTCOME_STATUS[run.outcome] : 'Running',
    eventId: trigger?.id ?? null,
    eventName: trigger?.name ?? null,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    ...(host ? { host } : {}),
  }
}
