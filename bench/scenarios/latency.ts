/**
 * Scenario 3, latency: runs of a 1-step function, one at a time, interleaved across
 * contenders: from the send (or start, or create) call to the first step's body starting, and
 * to the run's status saying completed. Ours is measured on the real path (`inngest.send` →
 * the event index's durable claim → delivery to the run actor) and, to show what intake costs,
 * with a direct `start()` RPC.
 */
import { floor, oursDirect, oursSend, workflows, type Contender } from '../contenders.js'
import type { Settings } from '../settings.js'
import { fixed, quantile, textTable, times } from '../stats.js'
import { freshProgram, rotated, timeRun, type RunTiming } from './timed-run.js'

type Key = 'oursSend' | 'oursDirect' | 'workflows' | 'floor'

export interface LatencyResult {
  readonly runs: number
  readonly timings: Record<Key, RunTiming[]>
}

const CONTENDERS: ReadonlyArray<readonly [Key, Contender]> = [
  ['oursSend', oursSend],
  ['workflows', workflows],
  ['floor', floor],
  ['oursDirect', oursDirect],
]

export async function latencyScenario(settings: Settings['latency']): Promise<LatencyResult> {
  const timings: Record<Key, RunTiming[]> = { oursSend: [], oursDirect: [], workflows: [], floor: [] }
  for (let round = 0; round < settings.warmUpRuns + settings.runs; round++) {
    for (const [key, contender] of rotated(CONTENDERS, round)) {
      const timing = await timeRun(contender, freshProgram(1, { markFirstStep: true }))
      if (round >= settings.warmUpRuns) timings[key].push(timing)
    }
  }
  return { runs: settings.runs, timings }
}

export function latencyQuantile(result: LatencyResult, key: Key, pick: 'firstStepMs' | 'wallMs', q: number): number {
  return quantile(result.timings[key].map((timing) => timing[pick]), q)
}

export function latencyTable(result: LatencyResult): string {
  const names: Record<Key, string> = {
    oursSend: 'ours: inngest.send → index → run actor',
    oursDirect: 'ours: start() RPC (no queue), for attribution',
    workflows: 'Workflows: create()',
    floor: 'floor: start() RPC',
  }
  const order: Key[] = ['oursSend', 'oursDirect', 'workflows', 'floor']
  const cell = (key: Key, pick: 'firstStepMs' | 'wallMs', q: number) => fixed(latencyQuantile(result, key, pick, q), 0)
  const rows = order.map((key) => [names[key], cell(key, 'firstStepMs', 0.5), cell(key, 'firstStepMs', 0.99), cell(key, 'wallMs', 0.5), cell(key, 'wallMs', 0.99), cell(key, 'wallMs', 1)])
  const ratio = (pick: 'firstStepMs' | 'wallMs') => times(latencyQuantile(result, 'workflows', pick, 0.5) / latencyQuantile(result, 'oursSend', pick, 0.5))
  const settle = (key: Key) => fixed(quantile(result.timings[key].map((timing) => timing.settleMs), 0.5), 0)
  return [
    `3. Latency: ${result.runs} runs per contender of a 1-step function, one at a time, interleaved; ms (workerd's clock: whole ms)`,
    textTable(['contender', 'first step p50', 'p99', 'completed p50', 'p99', 'max'], rows),
    `  Workflows/ours (send) at p50: first step ${ratio('firstStepMs')}, completed ${ratio('wallMs')}`,
    `  untimed follow-up after completion, median ms (5 ms quiet gap included): ours ${settle('oursDirect')} (its effects: publishing`,
    `  inngest/function.finished), Workflows ${settle('workflows')} (deleting the instance), floor ${settle('floor')}`,
  ].join('\n')
}
