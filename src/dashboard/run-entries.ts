/**
 * The run facts the dashboard shares between views: the index entry a run's own object implies
 * (to refresh the index when the dashboard acts on a run), and the app a function belongs to.
 */
import { registeredFunctions, type RunInspection } from '../../actors/internal.js'
import { recordRunInIndex, type IndexedRunStatus, type RunIndexEntry } from '../../actors/run-index/index.js'
import type { InngestEnv } from '../env.js'

/** The index entry for run `runId` as its object reports it; null for a run never started. */
export function entryFromInspection(runId: string, run: RunInspection): RunIndexEntry | null {
  const context = run.snapshot?.context
  if (!context || run.status === 'Unknown') return null
  const status: IndexedRunStatus = run.status === 'Scheduled' ? 'Running' : run.status
  const trigger = run.events[0]
  return {
    runId,
    functionId: context.functionId,
    status,
    eventId: trigger?.id ?? null,
    eventName: trigger?.name ?? null,
    queuedAt: context.queuedAt,
    startedAt: context.startedAt,
    endedAt: context.endedAt,
  }
}

/**
 * Brings the index in line with what the run's object said (idempotent: an unchanged entry
 * writes nothing, and an older state never overwrites a newer one). No-op without the index.
 */
export async function refreshIndexEntry(env: InngestEnv, runId: string, run: RunInspection): Promise<void> {
  const entry = entryFromInspection(runId, run)
  if (entry && env.INNGEST_RUN_INDEX) await recordRunInIndex({ INNGEST_RUN_INDEX: env.INNGEST_RUN_INDEX }, entry)
}

/** The app of composite function id `functionId` (`${appId}-${id}`), from the registered function's own id. */
export function appOf(functionId: string): string {
  const fn = registeredFunctions().find(([id]) => id === functionId)?.[1]
  const own = fn?.options.id
  if (own && functionId.endsWith(`-${own}`)) return functionId.slice(0, -own.length - 1)
  return functionId.split(/[-:]/)[0] ?? functionId
}
