/**
 * The step bodies every contender runs, and the signals they give the benchmark. The vitest
 * plugin runs the worker, its Durable Objects, the Workflows user entrypoint and the tests in
 * one isolate, so module state is shared: a step body can tell the waiting benchmark when it
 * started and when the handler is about to return, with no polling and no extra RPC.
 *
 * The clock is workerd's: real time, in whole milliseconds.
 */

interface Waiter {
  readonly promise: Promise<number>
  readonly resolve: (at: number) => void
}

const started = new Map<string, Waiter>()
const finished = new Map<string, Waiter>()

function waiter(map: Map<string, Waiter>, label: string): Waiter {
  let entry = map.get(label)
  if (!entry) {
    let resolve!: (at: number) => void
    const promise = new Promise<number>((done) => (resolve = done))
    entry = { promise, resolve }
    map.set(label, entry)
  }
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

/** The body of a run's first step in the latency scenario: notes when it started. */
export function firstStep(label: string): number {
  waiter(started, label).resolve(Date.now())
  return 0
}

/** Called by a handler just before it returns. */
export function handlerFinished(label: string): void {
  waiter(finished, label).resolve(Date.now())
}

/** Resolves with the time `firstStep(label)` ran. */
export function whenStepStarted(label: string): Promise<number> {
  return waiter(started, label).promise
}

/** Resolves with the time the handler of run `label` was about to return. */
export function whenFinished(label: string): Promise<number> {
  return waiter(finished, label).promise
}

/** Drops a run's signals once the benchmark has read them (fan-out creates thousands). */
export function forget(label: string): void {
  started.delete(label)
  finished.delete(label)
}
