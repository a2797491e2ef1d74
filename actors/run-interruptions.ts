/**
 * Passes cut short. A step that never yields (an infinite loop, a CPU-bound computation past
 * the object's CPU limit: `[limits] cpu_ms`, 30 s by default) takes its Durable Object down with
 * it: in production the runtime resets the object, locally `wrangler dev` hangs until restarted.
 * The watchdog alarm then finds the run `running` with no pass in the fresh object, and would
 * start the same step again, forever. Each such resumption is counted (durably, before the
 * handler runs again); a step completing starts the count afresh; the third resumption in a row
 * without progress fails the run, non-retriably, saying where it was stuck.
 */
import { RunLimitError } from './engine/errors.js'
import type { RunStore } from './storage/run-store.js'

/** Resumptions in a row, without a step completing, after which the run fails. */
export const MAX_INTERRUPTED_PASSES = 3

interface Interruptions {
  readonly count: number
  /** Steps completed when the count was last raised: more since means progress. */
  readonly completedSteps: number
}

/**
 * Records that a pass of this run was cut short (its object reset while the pass ran), and
 * returns the error to fail the run with once that happened MAX_INTERRUPTED_PASSES times in a
 * row without a step completing; null while it may resume.
 */
export function noteInterruptedPass(store: RunStore): RunLimitError | null {
  const completed = store.readSteps().filter((step) => step.status === 'completed')
  const before = store.readJson<Interruptions>('interruptions')
  const count = before && before.completedSteps === completed.length ? before.count + 1 : 1
  store.writeJson('interruptions', { count, completedSteps: completed.length } satisfies Interruptions)
  if (count < MAX_INTERRUPTED_PASSES) return null
  const last = completed.sort((a, b) => a.position - b.position).at(-1)
  const where = last ? `the step after "${last.id}"` : 'its first step (or the code before it)'
  return new RunLimitError(
    `The run was cut short ${count} times in a row while running ${where}: its Durable Object was reset each time, so the step never finished. ` +
      `A step that loops forever or computes past the CPU limit does this (30 s of CPU per request by default; raise it with [limits] cpu_ms in wrangler.toml, up to 300000), as does running out of memory (128 MB). ` +
      'Fix: make the step finish sooner, or split it into several steps.',
  )
}
