/**
 * `isInngest(value)` and `isInngestFunction(value)`: type guards for this SDK's client and
 * functions, exported from the root as the official SDK exports its own.
 */
import { Inngest } from './client.js'
import { InngestFunction } from './inngest-function.js'

/**
 * True for a client made with this SDK's `new Inngest(…)`; false for anything else, `null` and
 * `undefined` included (the official guard throws on those).
 * @example
 * ```ts
 * if (isInngest(maybeClient)) await maybeClient.send({ name: 'app/ping' })
 * ```
 */
export function isInngest(input: unknown): input is Inngest<any> {
  return input instanceof Inngest
}

/** True for what this SDK's `createFunction` returns. */
export function isInngestFunction(input: unknown): input is InngestFunction<any, any, any> {
  return input instanceof InngestFunction
}
