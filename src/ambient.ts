/**
 * The ambient `step`, `group` and `fetch` exports: `import { step, group, fetch } from
 * '@dotdo/inngest'` inside a handler, without its `ctx`. As in the official SDK they find the
 * current run through AsyncLocalStorage (actors/engine/ambient-step.ts); outside a run `step`
 * and `group` throw, and `fetch` falls back to the global fetch.
 */
import { unavailableModels } from '../actors/engine/ai-step.js'
import { ambientExecution, runInParallelMode } from '../actors/engine/ambient-step.js'
import type { GroupTools, ParallelOptions, StepFetch, StepTools } from './types.js'

const OUTSIDE_A_RUN = 'can only be used within Inngest function executions; no context was found. Fix: call it inside a function handler (or code the handler calls), or use the `step` the handler receives.'

function currentStep(): StepTools<any> {
  const execution = ambientExecution()
  if (!execution) throw new Error(`\`step\` tools ${OUTSIDE_A_RUN}`)
  return execution.step as StepTools<any>
}

/** Calls the current run's tool; a call outside a run rejects, as the official deferred tools do. */
const deferred =
  <Args extends unknown[]>(pick: (step: StepTools<any>) => (...args: Args) => Promise<unknown>) =>
  (...args: Args): Promise<any> => {
    try {
      return pick(currentStep())(...args)
    } catch (error) {
      return Promise.reject(error)
    }
  }

function createFetch(options: StepFetch.Options): StepFetch {
  const shim = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const execution = ambientExecution()
    // Inside a step body the step memoizes the result already: a plain fetch, as officially.
    if (!execution || execution.executingStep) {
      if (!options.fallback) return Promise.reject(new Error(`step.fetch() called ${execution ? `inside step "${execution.executingStep}"` : 'outside of a function'} and had no fallback set`))
      return options.fallback(input, init)
    }
    return (execution.step as StepTools<any>).fetch(input, init)
  }
  return Object.assign(shim, { ...options, config: (next: StepFetch.Options) => createFetch({ ...options, ...next }) }) as StepFetch
}

/**
 * A `fetch` that is durable inside a run (a `step.fetch` step) and the global fetch elsewhere;
 * `fetch.config({ fallback })` sets what it uses outside a run.
 *
 * @example
 * ```ts
 * import { fetch } from '@dotdo/inngest'
 * const api = new MyProductApi({ fetch }) // each request a memoized step inside a run
 * ```
 */
export const fetch: StepFetch = createFetch({ fallback: (input, init) => globalThis.fetch(input, init) })

/**
 * The current run's step tools, for code that has no `ctx`. Each call throws outside a run.
 *
 * @example
 * ```ts
 * import { step } from '@dotdo/inngest'
 * export const loadUser = (id: string) => step.run('load-user', () => db.users.get(id))
 * ```
 */
export const step: StepTools<any> = {
  run: deferred((s) => s.run),
  sleep: deferred((s) => s.sleep),
  sleepUntil: deferred((s) => s.sleepUntil),
  waitForEvent: deferred((s) => s.waitForEvent),
  sendEvent: deferred((s) => s.sendEvent),
  invoke: deferred((s) => s.invoke),
  waitForSignal: deferred((s) => s.waitForSignal),
  sendSignal: deferred((s) => s.sendSignal),
  fetch,
  ai: {
    infer: deferred((s) => s.ai.infer),
    wrap: deferred((s) => s.ai.wrap),
    models: unavailableModels,
  },
}

/**
 * `group.parallel(callback)`: the steps the callback creates run in race mode, for
 * `Promise.race` over steps. Steps of a pass start as they are called here, so the race settles
 * with the first step to finish; the mode is kept for the steps to read.
 *
 * @example
 * ```ts
 * const winner = await group.parallel(() => Promise.race([step.run('a', a), step.run('b', b)]))
 * ```
 */
export const group: GroupTools = {
  parallel: async <T>(optionsOrCallback: ParallelOptions | (() => Promise<T>), maybeCallback?: () => Promise<T>): Promise<T> => {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
    const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback
    if (typeof callback !== 'function') throw new TypeError('`group.parallel()` requires a callback function. Fix: group.parallel(async () => Promise.race([...])).')
    if (!ambientExecution()) throw new Error(`\`group\` tools ${OUTSIDE_A_RUN}`)
    return runInParallelMode(options.mode ?? 'race', callback)
  },
}

const NO_EXPERIMENTS = 'group.experiment and its selection strategies are not supported by inngest.do yet. Fix: pick the variant in a step (memoized), e.g. const variant = await step.run("pick-variant", () => (Math.random() < 0.5 ? "a" : "b")), and branch on it.'

/**
 * The official `experiment` strategies (`fixed`, `weighted`, `bucket`, `custom`) for
 * `group.experiment`, which is not supported here: each throws a TypeError naming the fix.
 */
export const experiment = {
  fixed: (..._args: unknown[]): never => {
    throw new TypeError(`experiment.fixed(): ${NO_EXPERIMENTS}`)
  },
  weighted: (..._args: unknown[]): never => {
    throw new TypeError(`experiment.weighted(): ${NO_EXPERIMENTS}`)
  },
  bucket: (..._args: unknown[]): never => {
    throw new TypeError(`experiment.bucket(): ${NO_EXPERIMENTS}`)
  },
  custom: (..._args: unknown[]): never => {
    throw new TypeError(`experiment.custom(): ${NO_EXPERIMENTS}`)
  },
}
