/**
 * Runs middleware around a handler, once per pass (one execution of the handler from the top,
 * memoized steps replayed; the official SDK's request). Per pass: v4 `wrapRequest` wraps it all,
 * inputs are transformed, memoization's end is announced when the pass hands back its last
 * memoized step (the engine's `ctx.pass.memoizing`), steps go through the step hooks
 * (step-middleware.ts), the handler runs wrapped, and its result or error is reported; v3's
 * `afterExecution` and `beforeResponse` also run when the pass ends waiting on a sleep, an event
 * or a retry.
 */
import type { EngineContext, EngineHandler, EngineStepTools, PassInfo, RunLogger } from '../../actors/engine/function-definition.js'
import { isNonRetriable, markNonRetriable, serializeError, StepError } from '../../actors/engine/errors.js'
import type { InngestFunction } from '../inngest-function.js'
import type { Middleware } from './base-middleware.js'
import { checkRunHooks, type PassHooks, type PreparedMiddleware } from './middleware-stack.js'
import { passRequest, type PassRequest } from './request-args.js'
import { observedSteps, outcomeOf, throughTransformOutput, type Outcome } from './step-middleware.js'

type Fn = InngestFunction<any, any, any>

/** Wraps `handler` (of `fn`) in `middleware`, client middleware first. */
export function withMiddleware(handler: EngineHandler, middleware: readonly PreparedMiddleware[], fn: Fn): EngineHandler {
  // The engine's pass info and platform are for middleware only: handlers never see them.
  if (middleware.length === 0) return ({ pass: _pass, platform: _platform, ...ctx }) => handler(ctx)
  return async (engineCtx) => {
    const { pass, platform, ...base } = engineCtx
    // Built only for middleware that reads it: v3 `onFunctionRun`, v4 `wrapRequest`.
    let request: Promise<PassRequest> | undefined
    const requestOf = () => (request ??= passRequest(fn, base, platform))
    // A hook that is not supported fails the same way on every attempt: no retry.
    const hooks = await passHooks(middleware, base, fn, requestOf).catch((error: unknown) => {
      throw markNonRetriable(error)
    })
    const run = () => runPass(handler, { hooks, base, pass, fn, middleware })
    return aroundRequest(hooks, run, { fn, request: requestOf, runId: base.runId, ended: pass?.ended, logger: base.logger })
  }
}

interface PassSetting {
  readonly hooks: readonly PassHooks[]
  readonly base: Omit<EngineContext, 'pass' | 'platform'>
  readonly pass: PassInfo | undefined
  readonly fn: Fn
  readonly middleware: readonly PreparedMiddleware[]
}

/** One pass of the handler through the run hooks (inside any `wrapRequest`). */
async function runPass(handler: EngineHandler, { hooks, base, pass, fn, middleware }: PassSetting): Promise<unknown> {
  const memoizing = () => pass?.memoizing ?? false
  const startedMemoizing = memoizing()
  let ctx: Record<string, any> = base
  for (const { v3, v4 } of hooks) {
    if (v3?.transformInput) ctx = { ...ctx, ...((await v3.transformInput({ ctx, fn, steps: [] }))?.ctx ?? {}) }
    if (v4?.transformFunctionInput) ctx = (await v4.transformFunctionInput({ ctx: ctx as Middleware.Context, fn, steps: {} })).ctx
  }
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
  // After memoization's end, as the official SDK calls it on a run's first request.
  if (base.attempt === 0 && !startedMemoizing) for (const { v4 } of hooks) await v4?.onRunStart?.({ ctx: ctx as Middleware.Context, fn })

  let input: EngineContext | undefined
  const step = observedSteps(ctx.step as EngineStepTools, { pass, memoizing, endMemoization, hooks, middleware, fn, ctx: () => input as unknown as Middleware.Context, logger: base.logger })
  input = { ...ctx, step } as EngineContext
  const handlerInput = input
  let next = async () => handler(handlerInput)
  for (const { v4 } of [...hooks].reverse()) {
    const inner = next
    if (v4?.wrapFunctionHandler) next = () => v4.wrapFunctionHandler!({ ctx: handlerInput as unknown as Middleware.Context, fn, next: inner })
  }
  const result = await outcomeOf(next)
  await endMemoization()
  await endExecution()
  return settle(result, hooks, { ctx: handlerInput as unknown as Middleware.Context, fn, attempt: base.attempt })
}

/** Instantiates v4 classes and asks v3 middleware for this pass's hooks, handing v3 the serve arguments (`reqArgs`). */
async function passHooks(middleware: readonly PreparedMiddleware[], base: PassSetting['base'], fn: Fn, request: () => Promise<PassRequest>): Promise<PassHooks[]> {
  const hooks: PassHooks[] = []
  for (const entry of middleware) {
    if (entry.kind === 'v4') {
      hooks.push({ v4: entry.create() })
      continue
    }
    const registered = await entry.hooks
    const reqArgs = registered.onFunctionRun ? (await request()).args : []
    const run = (await registered.onFunctionRun?.({ ctx: { event: base.event, events: base.events, runId: base.runId, attempt: base.attempt }, fn, steps: [], reqArgs })) ?? {}
    checkRunHooks(entry.name, run)
    hooks.push({ v3: run })
  }
  return hooks
}

interface RequestSetting {
  readonly fn: Fn
  readonly request: () => Promise<PassRequest>
  readonly runId: string
  readonly ended: PassInfo['ended'] | undefined
  readonly logger: RunLogger
}

/**
 * Runs the pass inside each v4 `wrapRequest`, the first middleware outermost. The handler's
 * result goes to the engine as soon as it settles; `next()` resolves when the pass ends, with
 * the response the pass stands for. What `wrapRequest` returns is not sent anywhere.
 */
async function aroundRequest(hooks: readonly PassHooks[], runPass: () => Promise<unknown>, setting: RequestSetting): Promise<unknown> {
  const wrappers = hooks.flatMap(({ v4 }) => (v4?.wrapRequest ? [v4] : []))
  if (wrappers.length === 0) return runPass()
  const { fn, runId, ended, logger } = setting
  const request = await setting.request()
  return new Promise((resolve, reject) => {
    let outcome: Promise<unknown> | undefined
    let chain = async (): Promise<Middleware.Response> => {
      outcome ??= runPass()
      outcome.then(resolve, reject)
      const kind = await (ended ?? outcome.then(() => 'returned' as const, () => 'threw' as const))
      return responseOf(kind, outcome)
    }
    for (const mw of wrappers.reverse()) {
      const next = chain
      chain = () => mw.wrapRequest!({ fn, next, requestArgs: request.args, requestInfo: request.info, runId })
    }
    chain().then(
      (response) => {
        if (!outcome) reject(new Error(`inngest.do: a middleware's wrapRequest resolved (status ${response?.status}) without calling next(), so the handler did not run: the pass fails as if it threw. Fix: return next() from wrapRequest.`))
      },
      (error: unknown) => (outcome ? logger.error(`middleware failed in wrapRequest after a pass of run ${runId}:`, error) : reject(error)),
    )
  })
}

const JSON_HEADERS = { 'content-type': 'application/json' }

/** The response a pass that ended as `kind` stands for: 200 and the output, 500 and the error, or 206 (stopped at a step). */
async function responseOf(kind: Awaited<PassInfo['ended']>, outcome: Promise<unknown>): Promise<Middleware.Response> {
  // A suspended handler never settles: only a pass that ended with it reads its outcome.
  const settled = kind === 'returned' || kind === 'threw' ? await outcome.then((data) => ({ data }), (error: unknown) => ({ error })) : undefined
  if (settled && 'data' in settled) return { status: 200, headers: { ...JSON_HEADERS }, body: jsonText(settled.data) }
  if (settled && 'error' in settled) return { status: 500, headers: { ...JSON_HEADERS }, body: jsonText(serializeError(settled.error)) }
  return { status: 206, headers: { ...JSON_HEADERS }, body: '[]' }
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value ?? null)
  } catch {
    return 'null'
  }
}

/** Reports the handler's result to the hooks, letting v3 `transformOutput` replace it. */
async function settle(outcome: Outcome, hooks: readonly PassHooks[], args: { ctx: Middleware.Context; fn: Fn; attempt: number }): Promise<unknown> {
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
  const isFinalAttempt = error instanceof StepError || isNonRetriable(error) || args.attempt + 1 >= fn.options.retry.attempts
  for (const { v3, v4 } of hooks) {
    if (isFinalAttempt) await v3?.finished?.({ result: { error } })
    await v4?.onRunError?.({ ctx, fn, error, isFinalAttempt })
  }
  throw result.error
}
