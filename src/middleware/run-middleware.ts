/**
 * Runs middleware around a handler, once per pass (one execution of the handler from the top,
 * memoized steps replayed). Per pass: inputs are transformed, memoization's end is announced
 * when the pass hands back its last memoized step (the engine's `ctx.pass.memoizing`), the
 * handler runs wrapped, and its result or error is reported; v3's `afterExecution` and
 * `beforeResponse` also run when the pass ends waiting on a sleep, an event or a retry.
 */
import type { EngineContext, EngineHandler, EngineStepTools } from '../../actors/engine/function-definition.js'
import { isNonRetriable, markNonRetriable } from '../../actors/engine/errors.js'
import type { InngestFunction } from '../inngest-function.js'
import type { Middleware } from './base-middleware.js'
import type { MiddlewareRunHooks } from './inngest-middleware.js'
import { checkRunHooks, checkV4Hooks, instanceHooks, type PreparedMiddleware } from './middleware-stack.js'
import { sendEventThroughMiddleware } from './send-middleware.js'

/** One middleware's hooks for one pass, v3 or v4. */
type PassHooks = { readonly v3: MiddlewareRunHooks; readonly v4?: undefined } | { readonly v4: Middleware.BaseMiddleware; readonly v3?: undefined }

/** Wraps `handler` (of `fn`) in `middleware`, client middleware first. */
export function withMiddleware(handler: EngineHandler, middleware: readonly PreparedMiddleware[], fn: InngestFunction<any, any, any>): EngineHandler {
  // The engine's pass info is for middleware only: handlers never see it.
  if (middleware.length === 0) return ({ pass: _pass, ...ctx }) => handler(ctx)
  return async (engineCtx) => {
    const { pass, ...base } = engineCtx
    const memoizing = () => pass?.memoizing ?? false
    const startedMemoizing = memoizing()
    // A hook that is not supported fails the same way on every attempt: no retry.
    const hooks = await passHooks(middleware, base, fn).catch((error: unknown) => {
      throw markNonRetriable(error)
    })
    let ctx: Record<string, any> = base
    for (const { v3, v4 } of hooks) {
      if (v3?.transformInput) ctx = { ...ctx, ...((await v3.transformInput({ ctx, fn, steps: [] }))?.ctx ?? {}) }
      if (v4?.transformFunctionInput) ctx = (await v4.transformFunctionInput({ ctx: ctx as Middleware.Context, fn, steps: {} })).ctx
    }
    if (base.attempt === 0 && !startedMemoizing) for (const { v4 } of hooks) await v4?.onRunStart?.({ ctx: ctx as Middleware.Context, fn })
    for (const { v3 } of hooks) await v3?.beforeMemoization?.()

    let memoizationEnd: Promise<void> | undefined
    const endMemoization = () =>
      (memoizationEnd ??= (async () => {
        for (const { v3, v4 } of hooks) {
          await v3?.afterMemoization?.()
          await v3?.beforeExecution?.()
          await v4?.onMemoizationEnd?.({ ctx: ctx as Middleware.Context, fn })
        }
      })())
    let executionEnded = false
    const endExecution = async () => {
      if (executionEnded || !memoizationEnd) return
      executionEnded = true
      for (const { v3 } of hooks) await v3?.afterExecution?.()
    }
    void pass?.ended.then(async (kind) => {
      if (kind === 'aborted') return
      await endExecution()
      for (const { v3 } of hooks) await v3?.beforeResponse?.()
    }).catch((error) => base.logger.error(`middleware failed at the end of a pass of run ${base.runId}:`, error))
    if (!startedMemoizing) await endMemoization()

    const step = observedSteps(ctx.step as EngineStepTools, { memoizing, endMemoization, hooks, middleware, fn })
    const input = { ...ctx, step } as EngineContext
    let next = async () => handler(input)
    for (const { v4 } of [...hooks].reverse()) {
      const inner = next
      if (v4?.wrapFunctionHandler) next = () => v4.wrapFunctionHandler!({ ctx: input as unknown as Middleware.Context, fn, next: inner })
    }
    const result = await outcomeOf(next)
    await endMemoization()
    await endExecution()
    return settle(result, hooks, { ctx: input as unknown as Middleware.Context, fn, attempt: base.attempt })
  }
}

/** Instantiates v4 classes and asks v3 middleware for this pass's hooks. */
async function passHooks(middleware: readonly PreparedMiddleware[], base: Omit<EngineContext, 'pass'>, fn: InngestFunction<any, any, any>): Promise<PassHooks[]> {
  const hooks: PassHooks[] = []
  for (const entry of middleware) {
    if (entry.kind === 'v4') {
      const instance = entry.create()
      checkV4Hooks(entry.name, instanceHooks(instance))
      hooks.push({ v4: instance })
      continue
    }
    const registered = await entry.hooks
    const run = (await registered.onFunctionRun?.({ ctx: { event: base.event, events: base.events, runId: base.runId, attempt: base.attempt }, fn, steps: [], reqArgs: [] })) ?? {}
    checkRunHooks(entry.name, run)
    hooks.push({ v3: run })
  }
  return hooks
}

/** Reports the handler's result to the hooks, letting v3 `transformOutput` replace it. */
async function settle(outcome: Outcome, hooks: readonly PassHooks[], args: { ctx: Middleware.Context; fn: InngestFunction<any, any, any>; attempt: number }): Promise<unknown> {
  const result = await throughTransformOutput(outcome, hooks)
  const { ctx, fn } = args
  if ('data' in result) {
    for (const { v3, v4 } of hooks) {
      await v3?.finished?.({ result: { data: result.data } })
      await v4?.onRunComplete?.({ ctx, fn, output: result.data })
    }
    return result.data
  }
  const error = result.error instanceof Error ? result.error : new Error(String(result.error))
  // As the run host decides: an uncaught StepError or a non-retriable error ends the run.
  const isFinalAttempt = error.name === 'StepError' || isNonRetriable(error) || args.attempt + 1 >= fn.options.retry.attempts
  for (const { v3, v4 } of hooks) {
    if (isFinalAttempt) await v3?.finished?.({ result: { error } })
    await v4?.onRunError?.({ ctx, fn, error, isFinalAttempt })
  }
  throw result.error
}

interface StepObservation {
  readonly memoizing: () => boolean
  readonly endMemoization: () => Promise<void>
  readonly hooks: readonly PassHooks[]
  readonly middleware: readonly PreparedMiddleware[]
  readonly fn: InngestFunction<any, any, any>
}

/**
 * The step tools, watched: the first step that is not memoized ends memoization (before a new
 * `step.run` body starts), a new step's output goes through v3 `transformOutput` inside the
 * step, and `step.sendEvent` goes through the send hooks.
 */
function observedSteps(step: EngineStepTools, observe: StepObservation): EngineStepTools {
  const { memoizing, endMemoization, hooks, middleware, fn } = observe
  const watched = <Args extends unknown[], R>(tool: (...args: Args) => R) => (...args: Args): R => {
    const result = tool(...args)
    if (!memoizing()) void endMemoization().catch(() => {})
    return result
  }
  return {
    ...step,
    sleep: watched(step.sleep),
    sleepUntil: watched(step.sleepUntil),
    waitForEvent: watched(step.waitForEvent),
    invoke: watched(step.invoke),
    run: (id, body, ...args) =>
      step.run(id, async (...bodyArgs: unknown[]) => {
        await endMemoization()
        return transformStepOutput(typeof id === 'string' ? id : id.id, () => body(...bodyArgs), hooks)
      }, ...args),
    sendEvent: (id, events, options) => {
      // A step being replayed is not sent again: its payloads are not transformed again either.
      if (memoizing()) return step.sendEvent(id, events, options)
      void endMemoization().catch(() => {})
      return sendEventThroughMiddleware(events, middleware, fn, (transformed) => step.sendEvent(id, transformed, options))
    },
  }
}

/** Runs a step body and lets v3 `transformOutput` replace its output or error; the result is what is memoized. */
async function transformStepOutput(id: string, body: () => unknown, hooks: readonly PassHooks[]): Promise<unknown> {
  const result = await throughTransformOutput(await outcomeOf(body), hooks, { id })
  if ('error' in result) throw result.error
  return result.data
}

/** What a body returned, or what it threw. */
type Outcome = { data: unknown } | { error: unknown }

async function outcomeOf(body: () => unknown): Promise<Outcome> {
  try {
    return { data: await body() }
  } catch (error) {
    return { error }
  }
}

/** `outcome` after each v3 `transformOutput` (of the function, or of `step`): data stays data, an error stays an error. */
async function throughTransformOutput(outcome: Outcome, hooks: readonly PassHooks[], step?: { id: string }): Promise<Outcome> {
  let result = outcome
  for (const { v3 } of hooks) {
    const transformed = v3?.transformOutput ? (await v3.transformOutput({ result: { ...result }, ...(step ? { step } : {}) }))?.result : undefined
    if (transformed && 'data' in result && 'data' in transformed) result = { data: transformed.data }
    if (transformed && 'error' in result && 'error' in transformed) result = { error: transformed.error }
  }
  return result
}
