/**
 * Scenario 5, storage: rows written per step, counted on the counted twins (the same code on
 * storage whose cursors report `rowsWritten`/`rowsRead`, the figures Cloudflare bills), and
 * bytes stored per run (`ctx.storage.sql.databaseSize` after the run completed), with tiny
 * step outputs and with padded ones. The persisted snapshot's size shows whether it grows with
 * the number of steps or with their outputs. Workflows' Engine objects are in another service,
 * beyond the counting wrapper: the Node side opens their SQLite files instead
 * (bench/node/workflows-storage.ts) and reports the rows and bytes they keep.
 */
import { runInDurableObject } from 'cloudflare:test'
import type { RunInspection, RunStatusSummary } from '../../actors/internal.js'
import { benchEnv, floor, oursDirect, ourRunDone, pollUntil, programStart, stubOf, workflows, type Contender } from '../contenders.js'
import { lastWorkflowStorage, type WorkflowStorage } from '../node-probe.js'
import type { FloorStatus } from '../floor-actor.js'
import type { Program } from '../program.js'
import type { StorageCounts } from '../row-counter.js'
import type { Settings } from '../settings.js'
import { whenFinished } from '../signals.js'
import { fixed, textTable } from '../stats.js'
import { freshProgram, timeRun } from './timed-run.js'

interface CountedRpc<Status> {
  start(request: unknown): Promise<Status>
  inspect(): Promise<Status>
  storageCounts(): Promise<StorageCounts>
}

interface Sizes {
  readonly ourBytes: number
  readonly floorBytes: number
  readonly workflows: WorkflowStorage
  readonly snapshotBytes: number
}

export interface StorageResult {
  readonly counts: Record<'ours' | 'floor', Array<{ steps: number; counts: StorageCounts }>>
  readonly sizes: Array<{ steps: number; tiny: Sizes; padded: Sizes }>
  readonly paddedBytes: number
}

async function countOurs(run: Program): Promise<StorageCounts> {
  const stub = stubOf<CountedRpc<RunInspection> & { status(): Promise<RunStatusSummary> }>(benchEnv.COUNTED_RUNS, run.label)
  await stub.start(programStart(run))
  await whenFinished(run.label)
  await pollUntil(() => stub.status(), ourRunDone, `counted run ${run.label}`)
  return stub.storageCounts()
}

async function countFloor(run: Program): Promise<StorageCounts> {
  const stub = stubOf<CountedRpc<FloorStatus>>(benchEnv.COUNTED_FLOOR, run.label)
  await stub.start({ program: run })
  await pollUntil(() => stub.inspect(), (status) => status.status === 'Completed', `counted floor run ${run.label}`)
  return stub.storageCounts()
}

async function databaseSize(namespace: DurableObjectNamespace, name: string): Promise<number> {
  return runInDurableObject(namespace.get(namespace.idFromName(name)), (_instance, state) => state.storage.sql.databaseSize)
}

async function sizesOf(steps: number, outputBytes: number): Promise<Sizes> {
  const measure = async (contender: Contender, namespace: DurableObjectNamespace) => {
    const run = freshProgram(steps, { outputBytes })
    await timeRun(contender, run)
    return { run, bytes: await databaseSize(namespace, run.label) }
  }
  const ours = await measure(oursDirect, benchEnv.INNGEST_RUNS as unknown as DurableObjectNamespace)
  const floorRun = await measure(floor, benchEnv.FLOOR as unknown as DurableObjectNamespace)
  const inspection = await stubOf<{ inspect(): Promise<RunInspection> }>(benchEnv.INNGEST_RUNS, ours.run.label).inspect()
  const workflowRun = freshProgram(steps, { outputBytes })
  await timeRun(workflows, workflowRun, false)
  const workflowStorage = await lastWorkflowStorage()
  await workflows.settle([workflowRun.label])
  return { ourBytes: ours.bytes, floorBytes: floorRun.bytes, workflows: workflowStorage, snapshotBytes: JSON.stringify(inspection.snapshot).length }
}

export async function storageScenario(settings: Settings['storage']): Promise<StorageResult> {
  const counts: StorageResult['counts'] = { ours: [], floor: [] }
  for (const steps of [0, ...settings.sizes]) {
    counts.ours.push({ steps, counts: await countOurs(freshProgram(steps)) })
    counts.floor.push({ steps, counts: await countFloor(freshProgram(steps)) })
  }
  const sizes: StorageResult['sizes'] = []
  for (const steps of settings.sizes) sizes.push({ steps, tiny: await sizesOf(steps, 0), padded: await sizesOf(steps, settings.paddedBytes) })
  return { counts, sizes, paddedBytes: settings.paddedBytes }
}

/** Marginal rows written per step of `key`: (largest run − empty run) ÷ steps. */
export function rowsWrittenPerStep(result: StorageResult, key: 'ours' | 'floor'): number {
  const empty = result.counts[key][0]!
  const largest = result.counts[key].at(-1)!
  return (largest.counts.rowsWritten - empty.counts.rowsWritten) / largest.steps
}

export function storageTable(result: StorageResult): string {
  const countRows = (['ours', 'floor'] as const).map((key) => {
    const empty = result.counts[key][0]!.counts
    const largest = result.counts[key].at(-1)!
    const per = (pick: (c: StorageCounts) => number) => fixed((pick(largest.counts) - pick(empty)) / largest.steps, 2)
    return [
      key === 'ours' ? 'ours (RunActor)' : 'floor (1 row/step)',
      per((c) => c.rowsWritten),
      String(empty.rowsWritten),
      per((c) => c.rowsRead),
      per((c) => c.execs),
      per((c) => c.transactions),
      String(largest.counts.alarmCalls),
    ]
  })
  const largestSteps = result.counts.ours.at(-1)!.steps
  const kiB = (bytes: number) => fixed(bytes / 1_024, 0)
  const sizeRows = result.sizes.map(({ steps, tiny, padded }) => [
    String(steps),
    kiB(tiny.ourBytes),
    kiB(tiny.floorBytes),
    kiB(tiny.workflows.bytes),
    kiB(padded.ourBytes),
    kiB(padded.floorBytes),
    kiB(padded.workflows.bytes),
    String(tiny.snapshotBytes),
    String(padded.snapshotBytes),
  ])
  const workflowRows = result.sizes.map(({ steps, tiny }) => {
    const total = Object.values(tiny.workflows.rows).reduce((sum, n) => sum + n, 0)
    const tables = Object.entries(tiny.workflows.rows).map(([table, n]) => `${table} ${n}`).join(', ')
    return [String(steps), String(total), fixed(total / steps, 1), tables]
  })
  return [
    `5. Storage: rows per step, counted (marginal: (run of ${largestSteps} steps − run of 0) ÷ ${largestSteps}; fixed: the run of 0 steps)`,
    textTable(['contender', 'rows written/step', 'fixed rows/run', 'rows read/step', 'sql execs/step', 'transactions/step', 'alarm calls/run'], countRows),
    '',
    `   bytes per run: database size after completion, KiB (SQLite pages; Workflows: page_count × page_size of its Engine's file), and our persisted snapshot's JSON, bytes`,
    textTable(['N', 'ours', 'floor', 'Workflows', `ours, ${result.paddedBytes} B outputs`, 'floor, same', 'Workflows, same', 'snapshot', `snapshot, ${result.paddedBytes} B outputs`], sizeRows),
    '',
    "   Workflows' rows kept per instance (its Engine's tables, tiny outputs). Rows kept are a lower bound of rows written:",
    '   its log only appends, but its key-value entries may have been written more than once.',
    textTable(['N', 'rows kept', 'per step', 'by table'], workflowRows).replace(/ +$/gm, ''),
  ].join('\n')
}
