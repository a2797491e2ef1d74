/**
 * Scenario 1, sequential steps: one run of N tiny steps (`s${i}` → i), for N ∈ {1, 10, 100,
 * 1000}, on our run actor (started by its `start()` RPC), the floor and Workflows. Rounds
 * interleave the contenders (rotated each round) after warm-up rounds. Two figures per run:
 * until the run's status says completed (what a caller sees, status read included), and until
 * the handler was about to return (the steps alone, by the handler's own clock reading).
 */
import { floor, oursDirect, workflows, type Contender } from '../contenders.js'
import type { Settings } from '../settings.js'
import { fixed, medianRange, quantile, textTable, times } from '../stats.js'
import { freshProgram, rotated, timeRun } from './timed-run.js'

export type SequentialKey = 'ours' | 'floor' | 'workflows'
export type Figure = 'wall' | 'handler'

/** Times (ms) of the runs of one size, per figure and contender. */
export interface SequentialSize {
  readonly steps: number
  readonly rounds: number
  readonly wall: Record<SequentialKey, number[]>
  readonly handler: Record<SequentialKey, number[]>
}

export interface SequentialResult {
  readonly sizes: SequentialSize[]
}

const CONTENDERS: ReadonlyArray<readonly [SequentialKey, Contender]> = [
  ['ours', oursDirect],
  ['floor', floor],
  ['workflows', workflows],
]

export async function sequentialScenario(settings: Settings['sequential']): Promise<SequentialResult> {
  const sizes: SequentialSize[] = []
  for (const steps of settings.sizes) {
    const rounds = settings.rounds(steps)
    const size: SequentialSize = { steps, rounds, wall: { ours: [], floor: [], workflows: [] }, handler: { ours: [], floor: [], workflows: [] } }
    for (let round = 0; round < settings.warmUpRounds + rounds; round++) {
      for (const [key, contender] of rotated(CONTENDERS, round)) {
        const timing = await timeRun(contender, freshProgram(steps))
        if (round < settings.warmUpRounds) continue
        size.wall[key].push(timing.wallMs)
        size.handler[key].push(timing.handlerMs)
      }
    }
    sizes.push(size)
  }
  return { sizes }
}

/** Median per-step time (µs) of `key` at `size`: the run's time ÷ N. */
export function perStepMicros(size: SequentialSize, key: SequentialKey, figure: Figure = 'wall'): number {
  return (quantile(size[figure][key], 0.5) * 1_000) / size.steps
}

/** Per-step time without the fixed per-run cost (µs): the slope between the smallest and the largest N (medians). */
export function marginalMicros(result: SequentialResult, key: SequentialKey, figure: Figure = 'wall'): number {
  const small = result.sizes[0]
  const large = result.sizes.at(-1)
  if (!small || !large || large.steps === small.steps) return Number.NaN
  return ((quantile(large[figure][key], 0.5) - quantile(small[figure][key], 0.5)) * 1_000) / (large.steps - small.steps)
}

function figureTable(result: SequentialResult, figure: Figure): string {
  const perStep = (size: SequentialSize, key: SequentialKey) => medianRange(size[figure][key].map((ms) => (ms * 1_000) / size.steps))
  const rows = result.sizes.map((size) => [
    String(size.steps),
    String(size.rounds),
    perStep(size, 'ours'),
    perStep(size, 'floor'),
    perStep(size, 'workflows'),
    times(perStepMicros(size, 'ours', figure) / perStepMicros(size, 'floor', figure)),
    times(perStepMicros(size, 'workflows', figure) / perStepMicros(size, 'ours', figure)),
  ])
  const first = result.sizes[0]
  const last = result.sizes.at(-1)
  if (first && last && last.steps > first.steps) {
    const slope = (key: SequentialKey) => fixed(marginalMicros(result, key, figure), 0)
    const ratio = (a: SequentialKey, b: SequentialKey) => times(marginalMicros(result, a, figure) / marginalMicros(result, b, figure))
    rows.push([`${first.steps}→${last.steps}`, '', slope('ours'), slope('floor'), slope('workflows'), ratio('ours', 'floor'), ratio('workflows', 'ours')])
  }
  return textTable(['N', 'rounds', 'ours (start RPC)', 'floor', 'Workflows', 'ours/floor', 'Workflows/ours'], rows)
}

export function sequentialTable(result: SequentialResult): string {
  const runMs = (figure: Figure) =>
    result.sizes.map((size) => `N=${size.steps}: ${['ours', 'floor', 'workflows'].map((key) => fixed(quantile(size[figure][key as SequentialKey], 0.5), 0)).join(' / ')}`).join('; ')
  return [
    '1. Sequential steps: one run of N tiny steps; per-step time, µs = the run\'s time ÷ N, median [p25–p75] of the rounds',
    '   a) start call → the run\'s own status says completed (status reads included: ours and Workflows `status()` with the output, the floor `inspect()`)',
    figureTable(result, 'wall'),
    '',
    '   b) start call → the handler about to return (no status read)',
    figureTable(result, 'handler'),
    '  last rows: marginal per-step time, (median at the largest N − at the smallest) ÷ the difference in steps',
    `  median ms per run, ours / floor / Workflows, a) ${runMs('wall')}`,
    `  b) ${runMs('handler')}`,
  ].join('\n')
}
