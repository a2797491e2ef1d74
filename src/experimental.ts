/**
 * `@dotdo/inngest/experimental`, for the official `inngest/experimental` exports apps use.
 * - `extendedTracesMiddleware()`: accepted, a no-op. Its `ctx.tracer` creates spans that record
 *   nothing: there is no Inngest Cloud trace view to send them to, and each run's steps, with
 *   their timings, are already kept in its Durable Object (`GET /v1/runs/:id`).
 * - `InngestSpanProcessor`, `getAsyncCtx`: a `TypeError` naming what to use instead.
 * Other official experimental exports (sandboxes, scoring, `createDefer`, `metadataMiddleware`)
 * are not provided: importing one is a missing-export error naming it.
 */
import { Middleware } from './middleware/base-middleware.js'
import { noopTracer, type Tracer } from './noop-tracer.js'

export type { Span, SpanContext, Tracer } from './noop-tracer.js'

/** The official options; accepted and ignored (every behaviour, `"off"` included, records nothing here). */
export interface ExtendedTracesMiddlewareOptions {
  behaviour?: 'auto' | 'createProvider' | 'extendProvider' | 'off'
  instrumentations?: unknown[]
  logLevel?: number
}

/**
 * A middleware class to list in the client's `middleware`, as the official one: it adds
 * `ctx.tracer`, whose spans record nothing (see the module comment).
 * @example
 * ```ts
 * const inngest = new Inngest({ id: 'app', middleware: [extendedTracesMiddleware()] })
 * inngest.createFunction({ id: 'f', triggers: [{ event: 'a' }] }, ({ tracer }) => tracer.startActiveSpan('work', (span) => { span.end() }))
 * ```
 */
export function extendedTracesMiddleware(_options: ExtendedTracesMiddlewareOptions = {}) {
  return class ExtendedTracesMiddleware extends Middleware.BaseMiddleware {
    readonly id = 'inngest:extended-traces'
    override transformFunctionInput(arg: Middleware.TransformFunctionInputArgs): Middleware.TransformFunctionInputArgs & { ctx: { tracer: Tracer } } {
      return { ...arg, ctx: { ...arg.ctx, tracer: noopTracer } }
    }
  }
}

/**
 * Not supported: spans are not exported to Inngest. Constructing one throws a `TypeError`.
 * Fix: remove it from your OpenTelemetry span processors; export spans with your own exporter.
 */
export class InngestSpanProcessor {
  constructor(..._args: unknown[]) {
    throw new TypeError(
      'InngestSpanProcessor is not supported by @dotdo/inngest: no spans are sent to Inngest (runs and their steps are kept in their Durable Object, at GET /v1/runs/:id). Fix: remove it from your span processors, or use your own OpenTelemetry exporter.',
    )
  }
}

/**
 * Not supported: the run's context is not kept in an async local storage. Calling it throws a
 * `TypeError`. Fix: pass what you need from the handler's input (`{ event, step, runId }`).
 */
export async function getAsyncCtx(): Promise<never> {
  throw new TypeError('getAsyncCtx is not supported by @dotdo/inngest. Fix: pass what you need from the handler\'s input ({ event, step, runId, logger }) to the code that needs it.')
}
