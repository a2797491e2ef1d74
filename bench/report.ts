/**
 * The benchmark's printed report: time tables (median and spread per contender, the ratio
 * ours/floor), the storage table from the counted runs and the per-step breakdown.
 */
import type { BreakdownRow } from './breakdown.js'
import type { RunTiming } from './contenders.js'
import type { StorageCounts } from './row-counter.js'
import { fixed, quantile, spread, textTable, type Spread } from './stats.js'

/** One contender's timed runs: with the benchmark's step count and with no steps. */
export interface Timings {
  readonly name: string
  readonly full: RunTiming[]
  readonly empty: RunTiming[]
}

/** One contender's counted runs, with the step count and with no steps. */
export interface Counts {
  readonly name: string
  readonly full: StorageCounts
  readonly empty: StorageCounts
}

const SPREAD_HEADER = ['median', 'p25', 'p75', 'min', 'max', 'mean']
const spreadCells = (s: Spread, digits = 1) => [s.median, s.p25, s.p75, s.min, s.max, s.mean].map((value) => fixed(value, digits))

/** A table of one figure per run for [ours, floor], with the ratio of the medians. */
function timeTable(title: string, note: string, rows: ReadonlyArray<readonly [string, number[]]>): string {
  const [[, a], [, b]] = rows as [readonly [string, number[]], readonly [string, number[]]]
  const pairedRatios = a.map((value, i) => value / b[i]!)
  const mean = (values: number[]) => spread(values).mean
  return [
    title,
    textTable(['', ...SPREAD_HEADER], [
      ...rows.map(([name, values]) => [name, ...spreadCells(spread(values))]),
      ['ratio ours/floor', fixed(quantile(a, 0.5) / quantile(b, 0.5), 2), fixed(quantile(pairedRatios, 0.25), 2), fixed(quantile(pairedRatios, 0.75), 2), '', '', fixed(mean(a) / mean(b), 2)],
    ]),
    `  (${note}ratio: of the medians (of the means in the last column), p25/p75 of the per-round ratios)`,
  ].join('\n')
}

function runTimeTable(steps: number, timings: readonly Timings[]): string {
  const row = (label: string, runs: RunTiming[], pick: (run: RunTiming) => number) => [label, ...spreadCells(spread(runs.map(pick)))]
  const rows = timings.flatMap((t) => [
    row(`${t.name}, ${steps} steps, wall`, t.full, (run) => run.wallMs),
    row(`${t.name}, ${steps} steps, in object`, t.full, (run) => run.inObjectMs),
    row(`${t.name}, 0 steps, wall`, t.empty, (run) => run.wallMs),
    row(`${t.name}, status polls after start()`, [...t.full, ...t.empty], (run) => run.polls),
  ])
  return [
    'run time, ms (wall: start() RPC to observed completion; in object: start() entry to last write, by the object\'s clock)',
    textTable(['', ...SPREAD_HEADER], rows),
  ].join('\n')
}

function storageTable(steps: number, counts: readonly Counts[]): string {
  const marginal = (full: number, empty: number) => (full - empty) / steps
  const rows = counts.map(({ name, full, empty }) => [
    name,
    fixed(full.rowsWritten / steps, 2),
    fixed(marginal(full.rowsWritten, empty.rowsWritten), 2),
    String(empty.rowsWritten),
    fixed(marginal(full.execs, empty.execs), 2),
    fixed(marginal(full.transactions, empty.transactions), 2),
    fixed(marginal(full.rowsRead, empty.rowsRead), 2),
    String(full.alarmCalls),
  ])
  const [a, b] = counts as [Counts, Counts]
  const ratio = (pick: (c: StorageCounts) => number) => fixed(pick(a.full) / pick(b.full), 2)
  const marginalRatio = fixed(marginal(a.full.rowsWritten, a.empty.rowsWritten) / marginal(b.full.rowsWritten, b.empty.rowsWritten), 2)
  rows.push(['ratio ours/floor', ratio((c) => c.rowsWritten), marginalRatio, '', '', '', '', ''])
  return [
    `storage per run of ${steps} steps (counted twins; rows as the cursors' rowsWritten/rowsRead report them)`,
    textTable(['', 'rows written/step', 'marginal', 'fixed rows/run', 'execs/step', 'txns/step', 'rows read/step', 'alarm calls/run'], rows),
    `  (rows written/step: all rows of the run ÷ ${steps}; marginal and the per-step columns: (run of ${steps} − run of 0) ÷ ${steps})`,
  ].join('\n')
}

function breakdownTable(iterations: number, rows: readonly BreakdownRow[]): string {
  return [
    `where an engine step's time goes (each piece looped ${iterations}× inside one Durable Object, mean)`,
    textTable(['piece', 'µs/step', 'rows/step'], rows.map((row) => [row.piece, fixed(row.microsPerStep, 2), row.rowsPerStep === null ? '' : fixed(row.rowsPerStep, 2)])),
  ].join('\n')
}

/** The whole report, ours first and the floor second in `timings` and `counts`. */
export function benchReport(options: {
  steps: number
  rounds: number
  warmUpRounds: number
  timings: readonly Timings[]
  counts: readonly Counts[]
  breakdownIterations: number
  breakdown: readonly BreakdownRow[]
}): string {
  const { steps, rounds, warmUpRounds, timings } = options
  const perStep = (runs: RunTiming[], pick: (run: RunTiming) => number) => runs.map((run) => (pick(run) * 1_000) / steps)
  const withoutFixed = (t: Timings) => t.full.map((run, i) => ((run.wallMs - t.empty[i]!.wallMs) * 1_000) / steps)
  return [
    `inngest.do step benchmark: ${steps} tiny steps per run (step.run(\`s\${i}\`, () => i)), a fresh Durable Object per run,`,
    `${rounds} round(s) after ${warmUpRounds} warm-up, contenders interleaved (A B, then B A), local workerd; its clock resolves 1 ms.`,
    '',
    timeTable(`per-step time, µs (wall time of a ${steps}-step run ÷ ${steps})`, '', timings.map((t) => [t.name, perStep(t.full, (run) => run.wallMs)])),
    '',
    timeTable(`per-step time without the fixed per-run cost, µs ((wall of ${steps} steps − wall of 0 steps, same round) ÷ ${steps})`, 'noisy: a difference of two runs; ', timings.map((t) => [t.name, withoutFixed(t)])),
    '',
    timeTable(`per-step time inside the object, µs (in-object time ÷ ${steps})`, 'each run quantised to 1 ms, so read the means; ', timings.map((t) => [t.name, perStep(t.full, (run) => run.inObjectMs)])),
    '',
    runTimeTable(steps, timings),
    '',
    storageTable(steps, options.counts),
    '',
    breakdownTable(options.breakdownIterations, options.breakdown),
  ].join('\n')
}
