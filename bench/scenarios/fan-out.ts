/**
 * Scenarios 2 and 6, fan-out and memory: 1,000 runs of 3 tiny steps each, started at once,
 * timed until every run's status says completed. Ours goes the real path (`inngest.send` of
 * 1,000 events → the queue → `routeEvents` → 1,000 run actors); Workflows gets 1,000
 * `create()` calls; the floor 1,000 `start()` calls on 1,000 objects. Meanwhile the Node side
 * samples the resident memory of the workerd process that runs all of it.
 */
import { floor, oursSend, workflows, type Contender } from '../contenders.js'
import { startMemorySampling, stopMemorySampling, type MemoryReport } from '../node-probe.js'
import type { Settings } from '../settings.js'
import { fixed, quantile, textTable, times } from '../stats.js'
import { freshProgram, rotated, timeBatch } from './timed-run.js'

const STEPS_PER_RUN = 3
const QUIET_AFTER_BATCH_MS = 1_000

type Key = 'ours' | 'workflows' | 'floor'

export interface FanOutResult {
  readonly runs: number
  readonly rounds: number
  readonly wallMs: Record<Key, number[]>
  readonly memory: Record<Key, MemoryReport[]>
  readonly rssBeforeKiB: number
}

const CONTENDERS: ReadonlyArray<readonly [Key, Contender]> = [
  ['ours', oursSend],
  ['workflows', workflows],
  ['floor', floor],
]

export async function fanOutScenario(settings: Settings['fanOut']): Promise<FanOutResult> {
  const batch = (runs: number) => Array.from({ length: runs }, () => freshProgram(STEPS_PER_RUN))
  if (settings.warmUpRuns > 0) for (const [, contender] of CONTENDERS) await timeBatch(contender, batch(settings.warmUpRuns))

  await startMemorySampling()
  const rssBeforeKiB = (await stopMemorySampling()).rssAtStopKiB
  const wallMs: Record<Key, number[]> = { ours: [], workflows: [], floor: [] }
  const memory: Record<Key, MemoryReport[]> = { ours: [], workflows: [], floor: [] }
  for (let round = 0; round < settings.rounds; round++) {
    for (const [key, contender] of rotated(CONTENDERS, round)) {
      const runs = batch(settings.runs)
      await startMemorySampling()
      wallMs[key].push(await timeBatch(contender, runs))
      memory[key].push(await stopMemorySampling())
      // Settled runs may still have queued work (ours: routing 1,000 function.finished events).
      await scheduler.wait(QUIET_AFTER_BATCH_MS)
    }
  }
  return { runs: settings.runs, rounds: settings.rounds, wallMs, memory, rssBeforeKiB }
}

/** Median runs per second of `key`. */
export function runsPerSecond(result: FanOutResult, key: Key): number {
  return (result.runs * 1_000) / quantile(result.wallMs[key], 0.5)
}

const MiB = (kiB: number) => fixed(kiB / 1_024, 0)

export function fanOutTable(result: FanOutResult): string {
  const names: Record<Key, string> = { ours: 'ours (send → index → queue → run actors)', workflows: 'Workflows (create)', floor: 'floor (start)' }
  const rows = (Object.keys(names) as Key[]).map((key) => {
    const walls = result.wallMs[key]
    const memory = result.memory[key]
    return [
      names[key],
      `${fixed(quantile(walls, 0.5), 0)} [${fixed(Math.min(...walls), 0)}–${fixed(Math.max(...walls), 0)}]`,
      fixed(runsPerSecond(result, key), 0),
      fixed(runsPerSecond(result, key) * STEPS_PER_RUN, 0),
      MiB(Math.max(...memory.map((m) => m.peakSampledKiB))),
      MiB(Math.max(...memory.map((m) => m.vmHwmKiB))),
      MiB(Math.max(...memory.map((m) => m.peakSampledKiB - m.rssAtStartKiB))),
    ]
  })
  const hwmNote = result.memory.ours[0]?.hwmReset ? 'VmHWM reset before each batch (clear_refs)' : 'VmHWM could not be reset: it is the peak since workerd started'
  return [
    `2. Fan-out: ${result.runs} runs × ${STEPS_PER_RUN} steps started at once, until every run's status says completed (${result.rounds} round(s), interleaved)`,
    `6. Memory: resident memory of the workerd process during each batch (sampled every 5 ms from /proc; ${hwmNote})`,
    textTable(['contender', 'wall ms median [min–max]', 'runs/s', 'steps/s', 'peak RSS MiB', 'VmHWM MiB', 'peak growth MiB'], rows),
    `  ours/Workflows runs/s: ${times(runsPerSecond(result, 'ours') / runsPerSecond(result, 'workflows'))}; ours/floor: ${times(runsPerSecond(result, 'ours') / runsPerSecond(result, 'floor'))}`,
    `  floor/Workflows runs/s: ${times(runsPerSecond(result, 'floor') / runsPerSecond(result, 'workflows'))}: the most an engine with one new Durable Object per run reaches here`,
    `  workerd RSS before the timed batches: ${MiB(result.rssBeforeKiB)} MiB; peak growth: peak RSS during a batch − RSS at its start (the largest over rounds)`,
  ].join('\n')
}
