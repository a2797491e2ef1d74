/**
 * Inngest v3's middleware: `new InngestMiddleware({ name, init })`. `init` runs once, when the
 * client (or function) is created; its `onFunctionRun` runs once per pass of the handler (one
 * execution from the top, the official SDK's request) and `onSendEvent` once per send.
 */
import type { InngestFunction } from '../inngest-function.js'

type MaybePromise<T> = T | Promise<T>

/** The input `onFunctionRun` sees: the run's event(s), id and attempt (no step tools yet). */
export interface MiddlewareRunInput {
  readonly ctx: { readonly event: any; readonly events: readonly any[]; readonly runId: string; readonly attempt: number }
  readonly fn: InngestFunction<any, any, any>
  /** Always empty: memoized step data stays in the run's Durable Object. */
  readonly steps: readonly unknown[]
  /**
   * The serve handler's arguments, as the pass would have had them: `[honoContext]` for a
   * function served by `@dotdo/inngest/hono`, else `[request, env, ctx]` (`inngest/cloudflare`).
   * `env` is the worker's, `ctx` the run's Durable Object's, the request a synthetic `POST`.
   */
  readonly reqArgs: readonly unknown[]
}

/** A step or function result as `transformOutput` and `finished` see it. */
export interface MiddlewareRunResult {
  readonly data?: unknown
  readonly error?: unknown
}

/** The hooks `onFunctionRun` may return; each runs at most once per pass. */
export interface MiddlewareRunHooks {
  /** Returns `{ ctx }`, merged into the handler's input (dependency injection). */
  transformInput?(input: { ctx: Record<string, any>; fn: InngestFunction<any, any, any>; steps: readonly unknown[] }): MaybePromise<{ ctx?: Record<string, any> } | void>
  /** At the start of the pass, before memoized steps replay. */
  beforeMemoization?(): MaybePromise<void>
  /** Once every memoized step has been handed back (or at once when there is none). */
  afterMemoization?(): MaybePromise<void>
  /** Before new code runs: right after `afterMemoization`. */
  beforeExecution?(): MaybePromise<void>
  /** When this pass stops running new code: the handler settled, or it waits (sleep, event, retry). */
  afterExecution?(): MaybePromise<void>
  /** The output of a `step.run` (inside the step, so the transformed value is memoized) or of the function. */
  transformOutput?(ctx: { result: MiddlewareRunResult; step?: { id: string } }): MaybePromise<{ result?: Partial<MiddlewareRunResult> } | void>
  /** Once the run finished: the handler returned, or threw on its final attempt. */
  finished?(ctx: { result: MiddlewareRunResult }): MaybePromise<void>
  /** At the end of every pass, last. */
  beforeResponse?(): MaybePromise<void>
}

/** The hooks `onSendEvent` may return, around one `inngest.send` or `step.sendEvent`. */
export interface MiddlewareSendHooks {
  transformInput?(ctx: { payloads: readonly any[] }): MaybePromise<{ payloads?: any[] } | void>
  transformOutput?(ctx: { result: { ids: string[] }; payloads: readonly any[] }): MaybePromise<{ result?: { ids: string[] } } | void>
}

/** What `init` returns. */
export interface MiddlewareRegisterReturn {
  onFunctionRun?(input: MiddlewareRunInput): MaybePromise<MiddlewareRunHooks | void>
  onSendEvent?(): MaybePromise<MiddlewareSendHooks | void>
}

export interface MiddlewareOptions {
  /** Names the middleware in errors. */
  name: string
  init(ctx: { client: unknown; fn?: InngestFunction<any, any, any> }): MaybePromise<MiddlewareRegisterReturn>
}

/**
 * @example
 * ```ts
 * const prisma = new InngestMiddleware({
 *   name: 'Prisma',
 *   init: () => ({ onFunctionRun: () => ({ transformInput: () => ({ ctx: { db } }) }) }),
 * })
 * const inngest = new Inngest({ id: 'app', middleware: [prisma] }) // handlers get ctx.db
 * ```
 */
export class InngestMiddleware<const Options extends MiddlewareOptions = MiddlewareOptions> {
  readonly name: string
  readonly init: Options['init']

  constructor(options: Options) {
    if (typeof options?.name !== 'string' || typeof options.init !== 'function') {
      throw new TypeError('new InngestMiddleware({ name, init }): name (a string) and init (a function) are required. Fix: new InngestMiddleware({ name: "my-middleware", init: () => ({ … }) }).')
    }
    this.name = options.name
    this.init = options.init
  }
}
