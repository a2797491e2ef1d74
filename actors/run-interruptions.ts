/**
 * Passes cut short. A step that never yields (an infinite loop, a CPU-bound computation past
 * the object's CPU limit: `[limits] cpu_ms`, 30 s by default) takes its Durable Object down with
 * it: in production the runtime resets the object, locally `wrangler dev` hangs until restarted.
 * The watchdog alarm then finds the run `running` with no pass in the fresh object, and would
 * start the same step again, forever. Each such resumption after a pass that ran 10 s or more is
 * counted (durably, before the handler runs again); a step completing starts the count afresh;
 * the third counted resumption in a row without progress fails the run, non-retriably, saying
 * where it was stuck. A quicker reset (a crash, a deploy) only resumes the run.
 */
import { RunLimitError } from './engine/errors.js'
import type { RunStore } from './storage/run-store.js'

/** Resumptions in a row, without a step completing, after which the run fails. */
export const MAX_INTERRUPTED_PASSES = 3
/**
 * How long a pass must have run before its loss counts: a reset over the CPU limit comes after
 * 30 s of CPU at least, and a hang locally lasts until someone restarts `wrangler dev`. A crash
 * or deploy that resets the object sooner is the platform's doing, not the step's: it only
 * resumes the run.
 */
export const MIN_RUNAWAY_MS = 10_000

interface Interruptions {
  readonly count: number
  /** Steps completed when the count was last raised: more since means progress. */
  readonly completedSteps: number
  /** When the run was last resumed after a reset: the pass lost now began then. */
  readonly resumedAt: number
}

/**
 * Records that a pass of this run was cut short (its object reset while the pass ran), and
 * returns the error to fail the run with once that happened MAX_INTERRUPTED_PASSES times in a
 * row, each after the pass had run MIN_RUNAWAY_MS or more, without a step completing; null while
 * it may resume.
 * @param startedAt when the run started (the first pass began then, unless a step ended since)
 */
export function noteInterruptedPass(store: RunStore, startedAt: number, now: number): RunLimitError | null {
  const steps = store.readSteps()
  const completed = steps.filter((step) => step.status === 'completed')
  const before = store.readJson<Interruptions>('interruptions')
  const sameStep = before !== null && before.completedSteps === completed.length
  // When the lost pass began: the last resumption, else the last step's end or the run's start.
  const passBegan = sameStep ? before.resumedAt : Math.max(startedAt, ...steps.map((step) => step.endedAt ?? Number.NEGATIVE_INFINITY))
  const counted = now - passBegan >= MIN_RUNAWAY_MS
  const count = (sameStep ? before.count : 0) + (counted ? 1 : 0)
  store.writeJson('interruptions', { count, completedSteps: completed.length, resumedAt: now } satisfies Interruptions)
  if (count < MAX_INTERRUPTED_PASSES) return null
  const last = completed.sort((a, b) => a.position - b.position).at(-1)
  const where = last ? `the step after "${last.id}"` : 'its first step (or the code before it)'
  return new RunLimitError(
    `The run was cut short ${count} times in a row while running ${where}: its Durable Object was reset each time, so the step never finished. ` +
      `A step that loops forever or computes past the CPU limit does this (30 s of CPU per request by default; raise it with [limits] cpu_ms in wrangler.toml, up to 300000), as does running out of memory (128 MB). ` +
      'Fix: make the step finish sooner, or split it into several steps.',
  )
}
