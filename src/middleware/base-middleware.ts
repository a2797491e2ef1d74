/**
 * Inngest v4's class middleware, `class X extends Middleware.BaseMiddleware`, with the official
 * names. A fresh instance is created per pass of the handler (the official SDK's request) and
 * per send. The hooks inngest.do runs are listed in `SUPPORTED_HOOKS`; a class defining any
 * other hook is refused when the client is created.
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
  }

  /** A middleware class, as `new Inngest({ middleware: [MyMiddleware] })` takes it. */
  export type Class = (new (args: { client: any }) => BaseMiddleware) & { onRegister?(args: OnRegisterArgs): void }
}

/** The v4 hooks inngest.do runs. */
export const SUPPORTED_HOOKS = new Set(['transformFunctionInput', 'onRunStart', 'onMemoizationEnd', 'wrapFunctionHandler', 'onRunComplete', 'onRunError', 'transformSendEvent'])

/** The official v4 hooks inngest.do does not run yet: a class defining one is refused. */
export const UNSUPPORTED_HOOKS = ['wrapRequest', 'transformStepInput', 'wrapStep', 'wrapStepHandler', 'onStepStart', 'onStepComplete', 'onStepError', 'wrapSendEvent'] as const
