/**
 * The step tools as middleware sees them, for one pass. Every step call goes through v4
 * `transformStepInput`, then `wrapStep`, whose innermost `next()` plans the step in the engine
 * (memoized or new); the first step that is not memoized ends memoization. A `step.run` or
 * `step.sendEvent` body that executes runs inside the step through `onStepStart`,
 * `wrapStepHandler` (v3 `transformOutput` innermost) and `onStepComplete` or `onStepError`, so what
 * they return is what is recorded. `step.sendEvent` also goes through the send hooks.
 */
import type { EngineStepTools, PassInfo, RunLogger, SendEventOptions, StepIdInput, StepPreview } from '../../actors/engine/function-definition.js'
import { isNonRetriable } from '../../actors/engine/errors.js'
import type { InngestFunction } from '../inngest-function.js'
import type { Middleware } from './base-middleware.js'
import type { PassHooks, PreparedMiddleware } from './middleware-stack.js'
import { prepareSend } from './send-middleware.js'

/** What the step tools of one pass need to know. */
export interface StepObservation {
  readonly pass: PassInfo | undefined
  readonly memoizing: () => boolean
  readonly endMemoization: () => Promise<void>
  readonly hooks: readonly PassHooks[]
  readonly middleware: readonly PreparedMiddleware[]
  readonly fn: InngestFunction<any, any, any>
  /** The handler's input (its `step` is these tools): the `ctx` step hooks see. */
  readonly ctx: () => Middleware.Context
  readonly logger: RunLogger
}

/** One pass's view: the v4 instances, and which of them are inside their own `wrapStep` (as the official SDK's guard without AsyncLocalStorage). */
interface StepScope extends StepObservation {
  readonly v4: readonly Middleware.BaseMiddleware[]
  readonly wrapping: Set<Middleware.BaseMiddleware>
}

/** A step call: its info, the attempt a new execution of it is, and whether planning it ends memoization. */
type PlannedCall = { readonly info: Middleware.StepInfo; readonly attempt: number; readonly endsMemoization: boolean }

/** Plans the step in the engine: `id` and `input` as the transforms left them. */
type Plan = (id: StepIdInput, input: unknown[] | undefined, call: PlannedCall) => Promise<unknown>

/** `step`, observed by the middleware of one pass. */
export function observedSteps(step: EngineStepTools, observation: StepObservation): EngineStepTools {
  const v4 = observation.hooks.flatMap(({ v4 }) => (v4 ? [v4] : []))
  const scope: StepScope = { ...observation, v4, wrapping: new Set() }
  const through = (kind: Middleware.StepType, id: StepIdInput, input: unknown[] | undefined, plan: Plan) => throughStepMiddleware(scope, kind, id, input, plan)
  return {
    // Tools without hooks of their own here (step.fetch, step.ai, waitForSignal …) stay available.
    ...step,
    run: (id, body, ...args) =>
      through('run', id, args.length > 0 ? args : undefined, (id, input, call) =>
        // Not a function: the engine refuses it at the call.
        step.run(id, typeof body !== 'function' ? body : (...bodyArgs: unknown[]) => executeBody(scope, call, () => transformStepOutput(call.info.options.id, () => body(...bodyArgs), scope.hooks)), ...(input ?? []))),
    sleep: (id, duration) => through('sleep', id, undefined, (id, input) => step.sleep(id, (input?.[0] as typeof duration | undefined) ?? duration)) as Promise<null>,
    sleepUntil: (id, time) => through('sleep', id, undefined, (id, input) => step.sleepUntil(id, (input?.[0] as typeof time | undefined) ?? time)) as Promise<null>,
    waitForEvent: (id, options) => through('waitForEvent', id, [options], (id, input) => step.waitForEvent(id, input?.[0] as typeof options)),
    invoke: (id, options) => through('invoke', id, [options], (id, input) => step.invoke(id, input?.[0] as typeof options)),
    sendEvent: (id, events, options) => through('sendEvent', id, undefined, (id, _input, call) => sendEventStep(scope, step, call, { id, events, options })) as Promise<{ ids: string[] }>,
  }
}

const idOf = (id: StepIdInput): unknown => (typeof id === 'string' ? id : id?.id)

/** The step's info as `transformStepInput` and `wrapStep` see it, and the attempt it would execute. */
function preview(scope: StepScope, kind: Middleware.StepType, options: Middleware.StepOptions, input: unknown[] | undefined): PlannedCall {
  const seen: StepPreview = scope.pass?.peek(options.id) ?? { key: options.id, memoized: false, attempt: 0, endsMemoization: false }
  const info = { hashedId: seen.key, ...(input === undefined ? {} : { input }), memoized: seen.memoized, options, stepType: kind }
  return { info, attempt: seen.attempt, endsMemoization: seen.endsMemoization }
}

function throughStepMiddleware(scope: StepScope, kind: Middleware.StepType, id: StepIdInput, input: unknown[] | undefined, plan: Plan): Promise<unknown> {
  // A bad id: the engine throws at the call, naming the tool.
  if (typeof idOf(id) !== 'string') return plan(id, input, preview(scope, kind, { id: String(idOf(id)) }, input))
  const options: Middleware.StepOptions = typeof id === 'string' ? { id } : { id: id.id, ...(id.name === undefined ? {} : { name: id.name }) }
  const call = preview(scope, kind, options, input)
  // Without transformStepInput the step is planned at the call, as without middleware.
  if (!scope.v4.some((mw) => mw.transformStepInput)) return wrapped(scope, call, plan)
  return transformStepInput(scope, call).then((transformed) => wrapped(scope, transformed, plan))
}

/** `call` after each `transformStepInput`, first middleware first; a changed id is previewed again. */
async function transformStepInput(scope: StepScope, call: PlannedCall): Promise<PlannedCall> {
  const { info } = call
  let arg: Middleware.TransformStepInputArgs = { fn: scope.fn, stepInfo: { hashedId: info.hashedId, memoized: info.memoized, stepType: info.stepType }, stepOptions: { ...info.options }, input: [...(info.input ?? [])] }
  for (const mw of scope.v4) if (mw.transformStepInput) arg = await mw.transformStepInput(arg)
  const input = info.input === undefined && arg.input.length === 0 ? undefined : arg.input
  if (arg.stepOptions.id !== info.options.id) return preview(scope, info.stepType, arg.stepOptions, input)
  return { ...call, info: { ...info, options: arg.stepOptions, ...(input === undefined ? {} : { input }) } }
}

/**
 * Plans the step inside each `wrapStep`, first middleware outermost; one wrapping itself is
 * skipped for the steps it calls. The last memoized step ends memoization before its `wrapStep`,
 * a new step once it is planned (before its body runs), as the official SDK orders them.
 */
function wrapped(scope: StepScope, call: PlannedCall, plan: Plan): Promise<unknown> {
  const { info } = call
  if (call.info.memoized && call.endsMemoization && scope.v4.some((mw) => mw.wrapStep)) return scope.endMemoization().then(() => wrapped(scope, { ...call, endsMemoization: false }, plan))
  let chain = (): Promise<unknown> => {
    const stepId = info.options.name === undefined ? info.options.id : { id: info.options.id, name: info.options.name }
    const result = plan(stepId, info.input, call)
    if (!scope.memoizing()) void scope.endMemoization().catch(() => {})
    return result
  }
  for (const mw of [...scope.v4].reverse()) {
    if (!mw.wrapStep) continue
    const next = chain
    chain = () => {
      if (scope.wrapping.has(mw)) return next()
      scope.wrapping.add(mw)
      const guardedNext = () => {
        scope.wrapping.delete(mw)
        try {
          return next().finally(() => scope.wrapping.add(mw))
        } catch (error) {
          scope.wrapping.add(mw)
          throw error
        }
      }
      return (async () => mw.wrapStep!({ ctx: scope.ctx(), fn: scope.fn, next: guardedNext, stepInfo: info }))().finally(() => scope.wrapping.delete(mw))
    }
  }
  return chain()
}

/** Runs a step body that executes now (never a replay), inside the step: what it returns or throws is recorded. */
async function executeBody(scope: StepScope, { info, attempt }: PlannedCall, body: () => Promise<unknown>): Promise<unknown> {
  await scope.endMemoization()
  const ctx = scope.ctx()
  const fn = scope.fn
  await observe(scope, 'onStepStart', (mw) => mw.onStepStart?.({ ctx, fn, stepInfo: info }))
  let chain = body
  for (const mw of [...scope.v4].reverse()) {
    if (!mw.wrapStepHandler) continue
    const next = chain
    chain = () => mw.wrapStepHandler!({ ctx, fn, next, stepInfo: info })
  }
  try {
    const output = await chain()
    await observe(scope, 'onStepComplete', (mw) => mw.onStepComplete?.({ ctx, fn, output, stepInfo: info }))
    return output
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown))
    // As the run machine decides: a non-retriable error, or the last of the function's attempts.
    const isFinalAttempt = isNonRetriable(thrown) || attempt + 1 >= fn.options.retry.attempts
    await observe(scope, 'onStepError', (mw) => mw.onStepError?.({ ctx, error, fn, isFinalAttempt, stepInfo: info }))
    throw thrown
  }
}

/** Calls an observing hook of each middleware in order; as in the official SDK, one that throws is logged and the step goes on. */
async function observe(scope: StepScope, hook: string, call: (mw: Middleware.BaseMiddleware) => unknown): Promise<void> {
  for (const mw of scope.v4) {
    try {
      await call(mw)
    } catch (error) {
      scope.logger.error(`middleware "${mw.id}" failed in ${hook}:`, error)
    }
  }
}

/** `step.sendEvent`: a new step's payloads go through the send hooks (a replayed one is not sent again, nor transformed). */
async function sendEventStep(scope: StepScope, step: EngineStepTools, call: PlannedCall, args: { id: StepIdInput; events: unknown; options: SendEventOptions | undefined }): Promise<{ ids: string[] }> {
  const { id, events, options } = args
  if (call.info.memoized) return step.sendEvent(id, events, options)
  const prepared = await prepareSend<{ ids: string[] }>(events, scope.middleware, scope.fn)
  const wrap = (publish: () => Promise<{ ids: string[] }>) => executeBody(scope, call, () => prepared.around(publish)) as Promise<{ ids: string[] }>
  return prepared.finish(await step.sendEvent(id, prepared.payload, { ...options, wrap }))
}

/** Runs a step body and lets v3 `transformOutput` replace its output or error; the result is what is memoized. */
async function transformStepOutput(id: string, body: () => unknown, hooks: readonly PassHooks[]): Promise<unknown> {
  const result = await throughTransformOutput(await outcomeOf(body), hooks, { id })
  if ('error' in result) throw result.error
  return result.data
}

/** What a body returned, or what it threw. */
export type Outcome = { data: unknown } | { error: unknown }

export async function outcomeOf(body: () => unknown): Promise<Outcome> {
  try {
    return { data: await body() }
  } catch (error) {
    return { error }
  }
}

/** `outcome` after each v3 `transformOutput` (of the function, or of `step`): data stays data, an error stays an error. */
export async function throughTransformOutput(outcome: Outcome, hooks: readonly PassHooks[], step?: { id: string }): Promise<Outcome> {
  let result = outcome
  for (const { v3 } of hooks) {
    const transformed = v3?.transformOutput ? (await v3.transformOutput({ result: { ...result }, ...(step ? { step } : {}) }))?.result : undefined
    if (transformed && 'data' in result && 'data' in transformed) result = { data: transformed.data }
    if (transformed && 'error' in result && 'error' in transformed) result = { error: transformed.error }
  }
  return result
}
