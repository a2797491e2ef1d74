/**
 * Scenario 1, sequential steps: one run of N tiny steps (`s${i}` → i), for N ∈ {1, 10, 100,
 * 1000}, on our run actor (started by its `start()` RPC), the floor and Workflows. Rounds
 * interleave the contenders (rotated each round) after warm-up rounds.
 */
import { floor, oursDirect, workflows, type Contender } from '../contenders.js'
import type { Settings } from '../settings.js'
import { fixed, medianRange, quantile, textTable, times } from '../stats.js'
import { freshProgram, rotated, timeRun } from './timed-run.js'

/** Wall times (ms) of the runs of one size, per contender. */
export interface SequentialSize {
  readonly steps: number
  readonly rounds: number
  readonly ours: number[]
  readonly floor: number[]
  readonly workflows: number[]
}

export interface SequentialResult {
  readonly sizes: SequentialSize[]
}

const CONTENDERS: ReadonlyArray<readonly [keyof Omit<SequentialSize, 'steps' | 'rounds'>, Contender]> = [
  ['ours', oursDirect],
  ['floor', floor],
  ['workflows', workflows],
]

export async function sequentialScenario(settings: Settings['sequential']): Promise<SequentialResult> {
  const sizes: SequentialSize[] = []
  for (const steps of settings.sizes) {
    const rounds = settings.rounds(steps)
    const size: SequentialSize = { steps, rounds, ours: [], floor: [], workflows: [] }
    for (let round = 0; round < settings.warmUpRounds + rounds; round++) {
      for (const [key, contender] of rotated(CONTENDERS, round)) {
        const { wallMs } = await timeRun(contender, freshProgram(steps))
        if (round >= settings.warmUpRounds) size[key].push(wallMs)
      }
    }
    sizes.push(size)
  }
  return { sizes }
}

/** Median per-step time (µs) of `contender` at `steps`: wall of the run ÷ N. */
export function perStepMicros(size: SequentialSize, contender: 'ours' | 'floor' | 'workflows'): number {
  return (quantile(size[contender], 0.5) * 1_000) / size.steps
}

/**
 * Median per-step time (µs) without the fixed per-run cost: the slope between the smallest
 * and the largest run (medians), for `contender`.
 */
export function marginalMicros(result: SequentialResult, contender: 'ours' | 'floor' | 'workflows'): number {
  const small = result.sizes[0]
  const large = result.sizes.at(-1)
  if (!small || !large || large.steps === small.steps) return Number.NaN
  return ((quantile(large[contender], 0.5) - quantile(small[contender], 0.5)) * 1_000) / (large.steps - small.steps)
}

export function sequentialTable(result: SequentialResult): string {
  const perStep = (size: SequentialSize, key: 'ours' | 'floor' | 'workflows') => medianRange(size[key].map((ms) => (ms * 1_000) / size.steps))
  const rows = result.sizes.map((size) => [
    String(size.steps),
    String(size.rounds),
    perStep(size, 'ours'),
    perStep(size, 'floor'),
    perStep(size, 'workflows'),
    times(perStepMicros(size, 'ours') / perStepMicros(size, 'floor')),
    times(perStepMicros(size, 'workflows') / perStepMicros(size, 'ours')),
  ])
  const first = result.sizes[0]
  const last = result.sizes.at(-1)
  if (first && last && last.steps > first.steps) {
    const slope = (key: 'ours' | 'floor' | 'workflows') => fixed(marginalMicros(result, key), 0)
    const ratio = (a: 'ours' | 'floor' | 'workflows', b: 'ours' | 'floor' | 'workflows') => times(marginalMicros(result, a) / marginalMicros(result, b))
    rows.push([`${first.steps}→${last.steps}`, '', slope('ours'), slope('floor'), slope('workflows'), ratio('ours', 'floor'), ratio('workflows', 'ours')])
  }
  const runMs = result.sizes.map((size) => `N=${size.steps}: ${fixed(quantile(size.ours, 0.5), 0)} / ${fixed(quantile(size.floor, 0.5), 0)} / ${fixed(quantile(size.workflows, 0.5), 0)} ms`)
  return [
    '1. Sequential steps: one run of N tiny steps; per-step time, µs = wall of the run ÷ N, median [p25–p75] of the rounds',
    textTable(['N', 'rounds', 'ours (start RPC)', 'floor', 'Workflows', 'ours/floor', 'Workflows/ours'], rows),
    `  last row: marginal per-step time, (median wall at the largest N − at the smallest) ÷ the difference in steps`,
    `  median wall per run, ours / floor / Workflows: ${runMs.join('; ')}`,
    '  wall: the start call until the run\'s own status says completed (workerd\'s clock: whole ms)',
  ].join('\n')
}
