/**
 * Inngest v4's class middleware, `class X extends Middleware.BaseMiddleware`, with the official
 * names and every official hook. A fresh instance is created per pass of the handler (the
 * official SDK's request: `wrapRequest` and the run and step hooks of one pass share it) and
 * per send.
 */
import type { InngestFunction } from '../inngest-function.js'

type MaybePromise<T> = T | Promise<T>

export namespace Middleware {
  /** The handler input middleware sees and extends. */
  export type Context = { readonly event: any; readonly events: readonly any[]; readonly runId: string; readonly attempt: number; readonly step: any; readonly logger: any }

  export type TransformFunctionInputArgs = {
    ctx: Context
    readonly fn: InngestFunction<any, any, any>
    /** Always empty: memoized step data stays in the run's Durable Object. */
    steps: Record<string, unknown>
  }
  export type OnRunStartArgs = { readonly ctx: Context; readonly fn: InngestFunction<any, any, any> }
  export type OnMemoizationEndArgs = OnRunStartArgs
  export type OnRunCompleteArgs = { readonly ctx: Context; readonly fn: InngestFunction<any, any, any>; readonly output: unknown }
  export type OnRunErrorArgs = { readonly ctx: Context; readonly error: Error; readonly fn: InngestFunction<any, any, any>; readonly isFinalAttempt: boolean }
  export type WrapFunctionHandlerArgs = { readonly ctx: Context; readonly fn: InngestFunction<any, any, any>; readonly next: () => Promise<unknown> }
  export type TransformSendEventArgs = { events: Record<string, any>[]; readonly fn: InngestFunction<any, any, any> | null }
  export type OnRegisterArgs = { readonly client: unknown; readonly fn: InngestFunction<any, any, any> | null }

  /** The step kinds inngest.do has (the official union also names `ai.*`, `fetch` and others). */
  export type StepType = 'run' | 'sendEvent' | 'sleep' | 'waitForEvent' | 'invoke' | (string & {})
  /** A step's id and display name, as the first argument of a step tool. */
  export type StepOptions = { id: string; name?: string }
  export type StepInfo = {
    /** The step's key: its id, with `:1`, `:2` … for repeats (the official SDK sends a SHA-1 of it). */
    hashedId: string
    /** `step.run`'s arguments after the body; `[options]` of `waitForEvent` and `invoke`; absent otherwise. */
    input?: unknown[]
    /** Whether the step hands back a recorded result (true) or executes now (false). */
    memoized: boolean
    options: StepOptions
    stepType: StepType
  }
  export type TransformStepInputArgs = {
    readonly fn: InngestFunction<any, any, any>
    readonly stepInfo: Readonly<Pick<StepInfo, 'hashedId' | 'memoized' | 'stepType'>>
    stepOptions: StepOptions
    input: unknown[]
  }
  export type WrapStepArgs = { readonly ctx: Context; readonly fn: InngestFunction<any, any, any>; readonly next: () => Promise<unknown>; readonly stepInfo: StepInfo }
  export type WrapStepHandlerArgs = WrapStepArgs
  export type OnStepStartArgs = { readonly ctx: Context; readonly fn: InngestFunction<any, any, any>; readonly stepInfo: StepInfo }
  export type OnStepCompleteArgs = OnStepStartArgs & { readonly output: unknown }
  export type OnStepErrorArgs = OnStepStartArgs & { readonly error: Error; readonly isFinalAttempt: boolean }
  /** The request a pass stands for: synthetic, since no HTTP request starts a pass here. */
  export type Request = { body: () => Promise<unknown>; headers: Readonly<Record<string, string>>; method: string; url: URL }
  /** What the pass would have answered: 200 (returned), 500 (threw) or 206 (stopped at a step). */
  export type Response = { body: string; headers: Record<string, string>; status: number }
  export type WrapRequestArgs = {
    readonly fn: InngestFunction<any, any, any> | null
    readonly next: () => Promise<Response>
    /** The serve handler's arguments: `[honoContext]` for `@dotdo/inngest/hono`, else `[request, env, ctx]`. */
    readonly requestArgs: readonly unknown[]
    readonly requestInfo: Request
    readonly runId: string
  }
  export type WrapSendEventArgs = { readonly events: Record<string, any>[]; readonly fn: InngestFunction<any, any, any> | null; readonly next: () => Promise<{ ids: string[] }> }

  /** Extend this; define `id` and any of the supported hooks. */
  export abstract class BaseMiddleware {
    readonly client: unknown
    /** Names the middleware in errors and logs. */
    abstract readonly id: string

    constructor({ client }: { client: unknown }) {
      this.client = client
    }

    /** Once per pass, first: return the arg with `ctx` extended (dependency injection). */
    transformFunctionInput?(arg: TransformFunctionInputArgs): MaybePromise<TransformFunctionInputArgs>
    /** Once per run, on its very first pass (attempt 0, nothing memoized). */
    onRunStart?(arg: OnRunStartArgs): MaybePromise<void>
    /** Once per pass, when every memoized step has been handed back (at once when there is none). */
    onMemoizationEnd?(arg: OnMemoizationEndArgs): MaybePromise<void>
    /** Once per pass, around the handler; `next()` settles only in the pass where the handler settles. */
    wrapFunctionHandler?(args: WrapFunctionHandlerArgs): Promise<unknown>
    /** When the handler returns (the run completes). */
    onRunComplete?(arg: OnRunCompleteArgs): MaybePromise<void>
    /** Each time the handler throws; `isFinalAttempt` when it will not be retried. */
    onRunError?(arg: OnRunErrorArgs): MaybePromise<void>
    /** Once per `inngest.send` or new `step.sendEvent`: return the arg with `events` replaced. */
    transformSendEvent?(arg: TransformSendEventArgs): MaybePromise<TransformSendEventArgs>
    /** Around each pass, outermost; `next()` resolves when the pass ends. */
    wrapRequest?(args: WrapRequestArgs): Promise<Response>
    /** Around the publishing of each `inngest.send` and new `step.sendEvent`. */
    wrapSendEvent?(args: WrapSendEventArgs): Promise<{ ids: string[] }>
    /** Each step call of every pass, before it is planned: return the arg with `stepOptions` or `input` replaced. */
    transformStepInput?(arg: TransformStepInputArgs): MaybePromise<TransformStepInputArgs>
    /** Around each step call of every pass (any kind); `next()` settles only when the step does in this pass. */
    wrapStep?(args: WrapStepArgs): Promise<unknown>
    /** Around each execution of a `step.run` or `step.sendEvent` body, inside the step: what it returns is recorded. */
    wrapStepHandler?(args: WrapStepHandlerArgs): Promise<unknown>
    /** Before each execution of a `step.run` or `step.sendEvent` body (never on replay). */
    onStepStart?(arg: OnStepStartArgs): MaybePromise<void>
    /** After each execution that returned (never on replay). */
    onStepComplete?(arg: OnStepCompleteArgs): MaybePromise<void>
    /** After each execution that threw; `isFinalAttempt` when the step will not be retried. */
    onStepError?(arg: OnStepErrorArgs): MaybePromise<void>
  }

  /** A middleware class, as `new Inngest({ middleware: [MyMiddleware] })` takes it. */
  export type Class = (new (args: { client: any }) => BaseMiddleware) & { onRegister?(args: OnRegisterArgs): void }
}
