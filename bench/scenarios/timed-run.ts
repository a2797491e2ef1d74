/**
 * Timing runs the same way for every contender: the clock starts before the contender's start
 * call and stops when the run's own status says completed. The handler's mark in between (read
 * every millisecond) tells the driver when to start reading the status (bench/contenders.ts).
 */
import { ulid } from 'ulid'
import type { Contender } from '../contenders.js'
import { program, type Program } from '../program.js'
import { finishedAt, forget, whenFinished, whenStepStarted } from '../signals.js'

/** One timed run, in ms of workerd's clock (whole milliseconds). */
export interface RunTiming {
  /** Start call to completion seen in the run's status. */
  readonly wallMs: number
  /** Start call to the handler about to return (its own clock reading): no status read in it. */
  readonly handlerMs: number
  /** Start call to the first step's body starting (runs with `markFirstStep` only). */
  readonly firstStepMs: number
  /** Untimed follow-up: completion until the contender settled, quiet gap included. */
  readonly settleMs: number
}

/** A fresh program with a new label (a ULID: also a valid run id and Workflows instance id). */
export function freshProgram(steps: number, options: { outputBytes?: number; markFirstStep?: boolean } = {}): Program {
  return program(ulid(), steps, options)
}

/**
 * Runs `run` on `contender`, timed, then lets it settle (untimed) unless `settle` is false (the
 * caller then settles it itself).
 */
export async function timeRun(contender: Contender, run: Program, settle = true): Promise<RunTiming> {
  const startedAt = Date.now()
  await contender.start([run])
  const firstStepAt = run.markFirstStep ? await whenStepStarted(run.label) : Number.NaN
  await whenFinished(run.label)
  await contender.completed(run.label)
  const wallMs = Date.now() - startedAt
  const handlerMs = finishedAt(run.label) - startedAt
  forget(run.label)
  if (settle) await contender.settle([run.label])
  return { wallMs, handlerMs, firstStepMs: firstStepAt - startedAt, settleMs: Date.now() - startedAt - wallMs }
}

/** Runs all of `runs` at once on `contender`; the ms until the last one is seen completed. */
export async function timeBatch(contender: Contender, runs: readonly Program[]): Promise<number> {
  const startedAt = Date.now()
  await contender.start(runs)
  await whenFinished(...runs.map((run) => run.label))
  await Promise.all(runs.map((run) => contender.completed(run.label)))
  const wallMs = Date.now() - startedAt
  for (const run of runs) forget(run.label)
  await contender.settle(runs.map((run) => run.label))
  return wallMs
}

/** `items` in rotated order for round `round`: A B C, then B C A, then C A B … */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}
