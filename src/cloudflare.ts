/**
 * `@dotdo/inngest/cloudflare`, for the official `inngest/cloudflare` adapter, which serves the
 * app's functions to Inngest Cloud from a Worker or Pages Function. Here the worker is Inngest:
 * it also answers the Event and REST APIs and consumes the event queue, which is a Hono app.
 * `serve` throws a `TypeError` with the code to use instead.
 */
import type { Inngest } from './client.js'
import type { InngestFunction } from './inngest-function.js'

/** The official adapter's name. */
export const frameworkName = 'cloudflare-pages'

/**
 * Not supported: throws a `TypeError` naming the Hono setup to use (see the module comment).
 * @example
 * ```ts
 * // instead of export default { fetch: serve({ client: inngest, functions }) }:
 * const app = new Hono()
 * app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions })) // from '@dotdo/inngest/hono'
 * app.route('/', inngestRoutes())
 * export default { fetch: app.fetch, queue: routeEvents }
 * ```
 */
export function serve(_options: { client: Inngest<any>; functions: readonly InngestFunction<any, any, any>[] }): never {
  throw new TypeError(
    "serve from '@dotdo/inngest/cloudflare' is not supported: the worker runs your functions itself and also answers the Event API and the event queue. " +
      "Fix: import { serve, inngestRoutes } from '@dotdo/inngest/hono' and { routeEvents } from '@dotdo/inngest'; " +
      "mount app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client, functions })) and app.route('/', inngestRoutes()); " +
      'export default { fetch: app.fetch, queue: routeEvents }.',
  )
}
