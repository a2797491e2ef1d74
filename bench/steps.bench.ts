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
import { benchReport, type Timings } from './report.js'

interface Settings {
  readonly steps: number
  readonly warmUpRounds: number
  readonly rounds: number
  readonly breakdownIterations: number
}

function settings(): Settings {
  const vars = env as unknown as Record<string, string | undefined>
  const smoke = vars.BENCH_SMOKE === '1'
  const base = smoke
    ? { steps: 10, warmUpRounds: 0, rounds: 1, breakdownIterations: 100 }
    : { steps: 100, warmUpRounds: 5, rounds: 40, breakdownIterations: 2_000 }
  const override = (name: string, fallback: number) => (vars[name] ? Math.max(1, Math.floor(Number(vars[name]))) : fallback)
  return { ...base, steps: override('BENCH_STEPS', base.steps), rounds: override('BENCH_ROUNDS', base.rounds) }
}

/**
 * One round: each contender once with `steps` steps and once with none (its fixed per-run
 * cost). Odd rounds run in reverse order, so neither side always follows the other's garbage.
 */
async function round(contenders: readonly Contender[], timings: readonly Timings[] | null, steps: number, index: number): Promise<void> {
  const jobs = contenders.flatMap((contender, c) => [
    { contender, steps, runs: timings?.[c]?.full },
    { contender, steps: 0, runs: timings?.[c]?.empty },
  ])
  for (const job of index % 2 === 0 ? jobs : [...jobs].reverse()) {
    const timing = await job.contender.time(job.steps)
    job.runs?.push(timing)
  }
}

it('prints per-step time and rows written: run actor vs floor', async () => {
  const { steps, warmUpRounds, rounds, breakdownIterations } = settings()
  const contenders = [ours, floor]

  const counts = []
  for (const contender of contenders) counts.push({ name: contender.name, full: await contender.count(steps), empty: await contender.count(0) })

  for (let i = 0; i < warmUpRounds; i++) await round(contenders, null, steps, i)
  const timings: Timings[] = contenders.map((contender) => ({ name: contender.name, full: [], empty: [] }))
  for (let i = 0; i < rounds; i++) await round(contenders, timings, steps, i)

  const benchEnv = env as unknown as BenchEnv
  const scratch = benchEnv.FLOOR.get(benchEnv.FLOOR.idFromName(ulid()))
  const breakdown = await runInDurableObject(scratch, (_instance, state) => measureBreakdown(state.storage, breakdownIterations))

  console.log(benchReport({ steps, rounds, warmUpRounds, timings, counts, breakdownIterations, breakdown }))
}, 600_000)
