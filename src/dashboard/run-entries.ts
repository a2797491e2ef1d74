/**
 * The run facts the dashboard shares between views: the index entry a run's own object implies
 * (to refresh the index when the dashboard acts on a run), and the app a function belongs to.
 */
import { registeredFunctions, type RunInspection } from '../../actors/internal.js'
import { recordRunInIndex, type RunIndexEntry } from '../../actors/run-index/index.js'
import { indexEntry } from '../../machines/index.js'
import type { InngestEnv } from '../env.js'

/** The index entry for run `runId` as its object reports it (the entry the run sends itself); null for a run never started. */
export function entryFromInspection(runId: string, run: RunInspection): RunIndexEntry | null {
  const context = run.snapshot?.context
  if (!context || run.status === 'Unknown') return null
  return indexEntry({ ...context, runId }, run.events[0], undefined)
}

/**
 * Brings the index in line with what the run's object said, when `indexed` (what the index
 * holds) differs: an older state never overwrites a newer one. No-op without the index.
 */
export async function refreshIndexEntry(env: InngestEnv, runId: string, run: RunInspection, indexed: RunIndexEntry | null): Promise<void> {
  const entry = entryFromInspection(runId, run)
  if (!entry || !env.INNGEST_RUN_INDEX || sameEntry(entry, indexed)) return
  await recordRunInIndex({ INNGEST_RUN_INDEX: env.INNGEST_RUN_INDEX }, entry)
}

function sameEntry(entry: RunIndexEntry, indexed: RunIndexEntry | null): boolean {
  return indexed !== null && (Object.keys(entry) as Array<keyof RunIndexEntry>).every((field) => entry[field] === indexed[field])
}

/** The app of composite function id `functionId` (`${appId}-${id}`), from the registered function's own id. */
export function appOf(functionId: string): string {
  const fn = registeredFunctions().find(([id]) => id === functionId)?.[1]
  const own = fn?.options.id
  if (own && functionId.endsWith(`-${own}`)) return functionId.slice(0, -own.length - 1)
  return functionId.split(/[-:]/)[0] ?? functionId
}
