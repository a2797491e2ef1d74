/**
 * Sending through middleware, for `inngest.send` and `step.sendEvent`: v3 `onSendEvent` hooks
 * and v4 `transformSendEvent` transform the payloads before they are validated and stored, and
 * v3 `transformOutput` may replace the result.
 */
import type { InngestFunction } from '../inngest-function.js'
import type { MiddlewareSendHooks } from './inngest-middleware.js'
import { checkSendHooks, checkV4Hooks, instanceHooks, type PreparedMiddleware } from './middleware-stack.js'

/** Sends `payload` with `send`, after the middleware transformed it. `fn`: the sending function, or null for `inngest.send`. */
export async function sendEventThroughMiddleware<Result extends { ids: string[] }>(
  payload: unknown,
  middleware: readonly PreparedMiddleware[],
  fn: InngestFunction<any, any, any> | null,
  send: (payload: any) => Promise<Result>,
): Promise<Result> {
  if (middleware.length === 0) return send(payload)
  const single = !Array.isArray(payload)
  let payloads = (single ? [payload] : [...(payload as unknown[])]) as Record<string, any>[]
  const v3Hooks: { name: string; hooks: MiddlewareSendHooks }[] = []
  for (const entry of middleware) {
    if (entry.kind === 'v4') {
      const instance = entry.create()
      checkV4Hooks(entry.name, instanceHooks(instance))
      if (instance.transformSendEvent) payloads = (await instance.transformSendEvent({ events: payloads, fn })).events
      continue
    }
    const hooks = (await (await entry.hooks).onSendEvent?.()) ?? {}
    checkSendHooks(entry.name, hooks)
    v3Hooks.push({ name: entry.name, hooks })
    const transformed = await hooks.transformInput?.({ payloads })
    if (transformed?.payloads) payloads = transformed.payloads
  }
  let result = await send(single && payloads.length === 1 ? payloads[0] : payloads)
  for (const { hooks } of v3Hooks) {
    const transformed = await hooks.transformOutput?.({ result, payloads })
    if (transformed?.result) result = transformed.result as Result
  }
  return result
}
