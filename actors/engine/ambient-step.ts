/**
 * The run a piece of code belongs to, found without a `ctx` argument: the official SDK keeps the
 * current execution in an AsyncLocalStorage (components/execution/als.ts); so do we. Every run's
 * object shares the isolate's module state, so a plain global could name the wrong run.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/** What the ambient `step`, `group` and `fetch` exports need of the current pass. */
export interface AmbientExecution {
  /** The step tools the handler received. */
  readonly step: object
  /** The id of the step whose body is running, if any: a `fetch` there is a plain fetch. */
  readonly executingStep?: string
  /** Set inside `group.parallel`. */
  readonly parallelMode?: 'race'
}

const storage = new AsyncLocalStorage<AmbientExecution>()

/** Runs `body` (a handler) with `step` as the ambient step tools. */
export function runWithAmbientStep<T>(step: object, body: () => T): T {
  return storage.run({ step }, body)
}

/** Runs a step body: code inside it sees the step as executing. */
export function runInsideStep<T>(stepId: string, body: () => T): T {
  const current = storage.getStore()
  return current ? storage.run({ ...current, executingStep: stepId }, body) : body()
}

/** Runs `body` with every step it creates in `parallelMode`. */
export function runInParallelMode<T>(mode: 'race', body: () => T): T {
  const current = storage.getStore()
  return current ? storage.run({ ...current, parallelMode: mode }, body) : body()
}

/** The current execution, or undefined outside a run. */
export function ambientExecution(): AmbientExecution | undefined {
  return storage.getStore()
}
