/**
 * The step bodies every contender runs, and the marks they leave for the benchmark. The vitest
 * plugin runs the worker, its Durable Objects, the Workflows user entrypoint and the tests in
 * one isolate, so module state is shared: a step body notes when it started, a handler when it
 * is about to return, with no extra RPC.
 *
 * The benchmark reads the marks on its own 1 ms timer instead of awaiting a promise the step
 * body resolves: a continuation resolved from another request context (a Workflows `run()`
 * call, a Durable Object) would run in that context, and its I/O hangs once that request ends
 * (seen with Workflows: the test's next RPC and timers never resolved).
 *
 * The clock is workerd's: real time, in whole milliseconds.
 */

interface Marks {
  firstStepAt?: number
  finishedAt?: number
}

const marks = new Map<string, Marks>()
const WAIT_LIMIT_MS = 60_000

function marksOf(label: string): Marks {
  let entry = marks.get(label)
  if (!entry) marks.set(label, (entry = {}))
  return entry
}

/** The tiny step body of every scenario: step `i` returns `i`. */
export function tinyStep(i: number): number {
  return i
}

/** A step body that returns `bytes` characters, to show what large outputs cost. */
export function paddedStep(i: number, bytes: number): string {
  return String(i).padEnd(bytes, '.')
}

/** The body of a run's first step in the latency and resume scenarios: notes when it started. */
export function firstStep(label: string): number {
  marksOf(label).firstStepAt ??= Date.now()
  return 0
}

/** Called by a handler just before it returns. */
export function handlerFinished(label: string): void {
  marksOf(label).finishedAt ??= Date.now()
}

/** Resolves once every run in `labels` has its `mark`, checking every millisecond. */
async function whenMarked(labels: readonly string[], mark: keyof Marks): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS
  for (;;) {
    const waiting = labels.filter((label) => marks.get(label)?.[mark] === undefined)
    if (waiting.length === 0) return
    if (Date.now() > deadline) throw new Error(`${waiting.length} run(s) never reached ${mark}, e.g. ${waiting[0]}`)
    await scheduler.wait(1)
  }
}

/** Resolves with the time `firstStep(label)` ran. */
export async function whenStepStarted(label: string): Promise<number> {
  await whenMarked([label], 'firstStepAt')
  return marks.get(label)!.firstStepAt!
}

/** Resolves once the handlers of all `labels` were about to return. */
export function whenFinished(...labels: string[]): Promise<void> {
  return whenMarked(labels, 'finishedAt')
}

/** When the handler of run `label` was about to return (after `whenFinished`). */
export function finishedAt(label: string): number {
  return marks.get(label)?.finishedAt ?? Number.NaN
}

/** Drops a run's marks once the benchmark has read them (fan-out creates thousands). */
export function forget(label: string): void {
  marks.delete(label)
}
