/**
 * `npm run bench`: per-step time and rows written for a run of tiny steps, our run actor against
 * the floor (one SQLite row per step, nothing else). Prints figures; asserts nothing about time.
 * `BENCH_SMOKE=1 npm run bench` runs 1 round of 10 steps; `BENCH_ROUNDS`/`BENCH_STEPS` override.
 */
import { env, runInDurableObject } from 'cloudflare:test'
import { it } from 'vitest'
import { ulid } from 'ulid'
import { measureBreakdown } from './breakdown.js'
import { floor, ours, type BenchEnv, type Contender } from './contenders.js'
import type { StorageCounts } from './row-counter.js'
import { fixed, quantile, spread, textTable, type Spread } from './stats.js'

interface Settings {
  readonly steps: number
  readonly warmUpRounds: number
  readonly rounds: number
  readonly breakdownIterations: number
}

function settings(): Settings {
  const vars = env as unknown as Record<string, string | undefined>
  const smoke = vars.BENCH_SMOKE === '1'
  const base = smoke ? { steps: 10, warmUpRounds: 0, rounds: 1, breakdownIterations: 100 } : { steps: 100, warmUpRounds: 5, rounds: 30, breakdownIterations: 2_000 }
  const override = (name: string, fallback: number) => (vars[name] ? Math.max(1, Number(vars[name])) : fallback)
  return { ...base, steps: override('BENCH_STEPS', base.steps), rounds: override('BENCH_ROUNDS', base.rounds) }
}

/** Run times (ms) of one contender: with `steps` steps and with none (the fixed per-run cost). */
interface Timings {
  readonly full: number[]
  readonly empty: number[]
}

/**
 * One round: each contender once with `steps` steps and once with none, A B B A on odd rounds
 * so that neither side always runs right after the other's garbage.
 */
async function round(contenders: readonly Contender[], steps: number, index: number, timings?: Map<Contender, Timings>): Promise<void> {
  const jobs = contenders.flatMap((contender) => [
    { contender, steps, record: (ms: number) => timings?.get(contender)?.full.push(ms) },
    { contender, steps: 0, record: (ms: number) => timings?.get(contender)?.empty.push(ms) },
  ])
  const ordered = index % 2 === 0 ? jobs : [...jobs].reverse()
  for (const job of ordered) job.record(await job.contender.time(job.steps))
}

const perStep = (runMs: readonly number[], steps: number) => runMs.map((ms) => (ms * 1_000) / steps)
const marginal = (t: Timings, steps: number) => t.full.map((ms, i) => ((ms - t.empty[i]!) * 1_000) / steps)
const spreadCells = (s: Spread) => [fixed(s.median), fixed(s.p25), fixed(s.p75), fixed(s.min), fixed(s.max)]
const SPREAD_HEADER = ['median', 'p25', 'p75', 'min', 'max']

function timeTable(title: string, rows: ReadonlyArray<[string, number[]]>): string {
  const [a, b] = rows
  const pairedRatios = a![1].map((value, i) => value / b![1][i]!)
  const ratio = quantile(a![1], 0.5) / quantile(b![1], 0.5)
  return [
    title,
    textTable(['', ...SPREAD_HEADER], [
      ...rows.map(([name, values]) => [name, ...spreadCells(spread(values))]),
      ['ratio ours/floor', fixed(ratio, 2), fixed(quantile(pairedRatios, 0.25), 2), fixed(quantile(pairedRatios, 0.75), 2), '', ''],
    ]),
    '  (ratio: of the medians; p25/p75 of the per-round ratios)',
  ].join('\n')
}

function storageTable(steps: number, counts: ReadonlyArray<[string, StorageCounts, StorageCounts]>): string {
  const per = (full: number, empty: number) => fixed((full - empty) / steps, 2)
  const rows = counts.map(([name, full, empty]) => [
    name,
    fixed(full.rowsWritten / steps, 2),
    per(full.rowsWritten, empty.rowsWritten),
    String(empty.rowsWritten),
    per(full.execs, empty.execs),
    per(full.transactions, empty.transactions),
    per(full.rowsRead, empty.rowsRead),
    String(full.alarmCalls),
  ])
  const [a, b] = counts
  rows.push(['ratio ours/floor', fixed(a![1].rowsWritten / b![1].rowsWritten, 2), fixed((a![1].rowsWritten - a![2].rowsWritten) / (b![1].rowsWritten - b![2].rowsWritten), 2), '', '', '', '', ''])
  return [
    `storage per run of ${steps} steps (counted twins, cursor rowsWritten/rowsRead)`,
    textTable(['', 'rows written/step', 'marginal', 'fixed rows/run', 'execs/step', 'txns/step', 'rows read/step', 'alarm calls/run'], rows),
    '  (marginal: (run of N − run of 0) ÷ N; fixed: a 0-step run)',
  ].join('\n')
}

it('prints per-step time and rows written: run actor vs floor', async () => {
  const { steps, warmUpRounds, rounds, breakdownIterations } = settings()
  const contenders = [ours, floor] as const

  const counts = await Promise.all(contenders.map(async (c) => [c.name, await c.count(steps), await c.count(0)] as [string, StorageCounts, StorageCounts]))

  for (let i = 0; i < warmUpRounds; i++) await round(contenders, steps, i)
  const timings = new Map<Contender, Timings>(contenders.map((c) => [c, { full: [], empty: [] }]))
  for (let i = 0; i < rounds; i++) await round(contenders, steps, i, timings)

  const benchEnv = env as unknown as BenchEnv
  const scratch = benchEnv.FLOOR.get(benchEnv.FLOOR.idFromName(ulid()))
  const breakdown = await runInDurableObject(scratch, (_instance, state) => measureBreakdown(state.storage, breakdownIterations))

  const t = (c: Contender) => timings.get(c)!
  console.log(
    [
      `inngest.do step benchmark: ${steps} tiny steps per run (step.run(\`s\${i}\`, () => i)), fresh Durable Object per run,`,
      `${rounds} round(s) after ${warmUpRounds} warm-up, contenders interleaved (A B, then B A), local workerd. Clock resolution: 1 ms.`,
      '',
      timeTable(`per-step time, µs (run time ÷ ${steps}; start() RPC to observed completion)`, contenders.map((c) => [c.name, perStep(t(c).full, steps)])),
      '',
      timeTable(`per-step time without the fixed per-run cost, µs ((run of ${steps} − run of 0) ÷ ${steps})`, contenders.map((c) => [c.name, marginal(t(c), steps)])),
      '',
      textTable(['run time, ms', ...SPREAD_HEADER], contenders.flatMap((c) => [
        [`${c.name}, ${steps} steps`, ...spreadCells(spread(t(c).full))],
        [`${c.name}, 0 steps`, ...spreadCells(spread(t(c).empty))],
      ])),
      '',
      storageTable(steps, counts),
      '',
      `where an engine step's time goes (each piece looped ${breakdownIterations}× inside one Durable Object)`,
      textTable(['piece', 'µs/step', 'rows/step'], breakdown.map((row) => [row.piece, fixed(row.microsPerStep, 2), row.rowsPerStep === null ? '' : fixed(row.rowsPerStep, 2)])),
    ].join('\n'),
  )
}, 600_000)
