/**
 * Sending through middleware, for `inngest.send` and `step.sendEvent`: v3 `onSendEvent` hooks
 * and v4 `transformSendEvent` transform the payloads before they are validated and stored, v4
 * `wrapSendEvent` wraps the publishing, and v3 `transformOutput` may replace the result.
 */
import type { InngestFunction } from '../inngest-function.js'
import type { Middleware } from './base-middleware.js'
import type { MiddlewareSendHooks } from './inngest-middleware.js'
import { checkSendHooks, type PreparedMiddleware } from './middleware-stack.js'

/** One send, its payloads transformed: publish it with `around`, then pass the result to `finish`. */
export interface PreparedSend<Result extends { ids: string[] }> {
  /** The payload to publish: one event or a list, as it was given. */
  readonly payload: unknown
  /** Runs `publish` inside each v4 `wrapSendEvent`, the first middleware outermost. */
  around(publish: () => Promise<Result>): Promise<Result>
  /** The result after each v3 `transformOutput`. */
  finish(result: Result): Promise<Result>
}

/** Transforms `payload` through the send hooks of `middleware` (fresh v4 instances). `fn`: the sending function, or null for `inngest.send`. */
export async function prepareSend<Result extends { ids: string[] }>(payload: unknown, middleware: readonly PreparedMiddleware[], fn: InngestFunction<any, any, any> | null): Promise<PreparedSend<Result>> {
  const single = !Array.isArray(payload)
  let payloads = (single ? [payload] : [...(payload as unknown[])]) as Record<string, any>[]
  const v3Hooks: MiddlewareSendHooks[] = []
  const wrappers: Middleware.BaseMiddleware[] = []
  for (const entry of middleware) {
    if (entry.kind === 'v4') {
      const instance = entry.create()
      if (instance.transformSendEvent) payloads = (await instance.transformSendEvent({ events: payloads, fn })).events
      if (instance.wrapSendEvent) wrappers.push(instance)
      continue
    }
    const hooks = (await (await entry.hooks).onSendEvent?.()) ?? {}
    checkSendHooks(entry.name, hooks)
    v3Hooks.push(hooks)
    const transformed = await hooks.transformInput?.({ payloads })
    if (transformed?.payloads) payloads = transformed.payloads
  }
  const events = payloads
  return {
    payload: single && events.length === 1 ? events[0] : events,
    around(publish) {
      let chain = publish
      for (const instance of [...wrappers].reverse()) {
        const next = chain
        chain = () => instance.wrapSendEvent!({ events, fn, next }) as Promise<Result>
      }
      return chain()
    },
    async finish(result) {
      for (const hooks of v3Hooks) {
        const transformed = await hooks.transformOutput?.({ result, payloads: events })
        if (transformed?.result) result = transformed.result as Result
      }
      return result
    },
  }
}

/** Sends `payload` with `send`, through the middleware's send hooks. `fn`: the sending function, or null for `inngest.send`. */
export async function sendEventThroughMiddleware<Result extends { ids: string[] }>(
  payload: unknown,
  middleware: readonly PreparedMiddleware[],
  fn: InngestFunction<any, any, any> | null,
  send: (payload: any) => Promise<Result>,
): Promise<Result> {
  if (middleware.length === 0) return send(payload)
  const prepared = await prepareSend<Result>(payload, middleware, fn)
  return prepared.finish(await prepared.around(() => send(prepared.payload)))
}
