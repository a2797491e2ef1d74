/**
 * The arguments a serve handler would have been called with, for a pass that no request started:
 * middleware reads them as v3 `reqArgs` and v4 `wrapRequest`'s `requestArgs` and `requestInfo`.
 * A function served by `@dotdo/inngest/hono`'s `serve` gets `[honoContext]`, as `inngest/hono`
 * passes; any other gets `[request, env, ctx]`, as `inngest/cloudflare` on Workers. `env` is the
 * worker's env, `ctx` the state of the Durable Object running the pass (`waitUntil` works), and
 * the request a synthetic `POST` describing the pass (see docs/compatibility.md, Middleware).
 */
import { Hono, type Context } from 'hono'
import type { RunPlatform } from '../../actors/engine/function-definition.js'
import type { InngestFunction } from '../inngest-function.js'
import type { Middleware } from './base-middleware.js'

/** The request of one pass, in both forms middleware reads. */
export interface PassRequest {
  readonly args: readonly unknown[]
  readonly info: Middleware.Request
}

/** What a pass's request describes: the run, as the executor's request body does. */
interface PassFacts {
  readonly event: unknown
  readonly events: readonly unknown[]
  readonly runId: string
  readonly attempt: number
}

const servedByHono = new WeakSet<InngestFunction<any, any, any>>()

/** Notes that `functions` are served by `@dotdo/inngest/hono`: their middleware gets a Hono context. */
export function noteServedByHono(functions: readonly InngestFunction<any, any, any>[]): void {
  for (const fn of functions) servedByHono.add(fn)
}

/** The request and serve arguments of a pass of `fn`, on `platform` (the worker's own when absent). */
export async function passRequest(fn: InngestFunction<any, any, any>, facts: PassFacts, platform: RunPlatform | undefined): Promise<PassRequest> {
  const { env, ctx } = platform ?? (await workerPlatform())
  // A reserved host (RFC 2606): no request reached the worker. Path and query as Inngest's.
  const url = new URL(`https://run.invalid/api/inngest?fnId=${encodeURIComponent(fn.compositeId)}&stepId=step`)
  const headers = { 'content-type': 'application/json' }
  const body = { event: facts.event, events: facts.events, steps: {}, ctx: { run_id: facts.runId, attempt: facts.attempt, fn_id: fn.compositeId } }
  // Written out only if read (events may be megabytes).
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode(JSON.stringify(body)))
      controller.close()
    },
  })
  const request = new Request(url, { method: 'POST', headers, body: stream })
  const executionCtx = { waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise), passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext
  return {
    args: servedByHono.has(fn) ? [honoContext(request, env, executionCtx)] : [request, env, executionCtx],
    info: { headers: Object.freeze({ ...headers }), method: 'POST', url, body: () => Promise.resolve(body) },
  }
}

/** The env and `waitUntil` of the worker, for a run hosted without a platform (a `RunHost` embedded in your own object). */
async function workerPlatform(): Promise<RunPlatform> {
  if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent !== 'Cloudflare-Workers') return { env: {}, ctx: { waitUntil: () => {} } }
  const { env, waitUntil } = await import('cloudflare:workers')
  return { env, ctx: { waitUntil } }
}

let captured: Context | undefined
// Hono builds its Context only while dispatching: a one-route app hands it over synchronously.
const capture = new Hono().all('*', (c) => {
  captured = c
  return c.body(null, 204)
})

/** A real Hono `Context` for `request`, with `env` and `executionCtx` as `app.fetch` would set them. */
function honoContext(request: Request, env: unknown, executionCtx: ExecutionContext): Context {
  captured = undefined
  void capture.fetch(request, env, executionCtx)
  const context = captured
  captured = undefined
  if (!context) throw new Error('inngest.do: no Hono context was created for the pass')
  return context
}
