/**
 * `@dotdo/inngest/hono`: Hono integration.
 * - `serve({ client, functions })`: the `/api/inngest` handler, mounted exactly as the official
 *   SDK's (`app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve(…))`).
 * - `inngestRoutes()`: the server side Inngest Cloud would otherwise run: the Event API
 *   (`POST /e/:eventKey`) and the REST API (`/v1/events`, `/v1/events/:id`, `/v1/events/:id/runs`,
 *   `/v1/runs/:id`).
 * @example
 * ```ts
 * const app = new Hono()
 * app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions: [helloWorld] }))
 * app.route('/', inngestRoutes())
 * export default { fetch: app.fetch, queue: routeEvents }
 * ```
 */
import { Hono, type Context } from 'hono'
import type { Inngest } from './client.js'
import type { InngestEnv } from './env.js'
import { armSchedulesQuietly } from './events/arm-schedules.js'
import type { InngestFunction } from './inngest-function.js'
import { eventApiRoutes } from './routes/event-api.js'
import { eventRoutes } from './routes/events.js'
import { introspection } from './routes/introspect.js'
import { runRoutes } from './routes/runs.js'

export interface ServeOptions {
  readonly client: Inngest<any>
  readonly functions: readonly InngestFunction<any, any, any>[]
}

/** The `/api/inngest` handler for `client`'s `functions`. */
export function serve({ client, functions }: ServeOptions): (c: Context<any>) => Response | Promise<Response> {
  for (const fn of functions) {
    if (fn.appId !== client.id) {
      throw new TypeError(`serve: function "${fn.id}" belongs to app "${fn.appId}", not "${client.id}". Fix: serve each client's functions with that client.`)
    }
  }
  return introspection(client.id, functions)
}

/** The Event API and the REST API, as a Hono app to mount with `app.route('/', inngestRoutes())`. */
export function inngestRoutes(): Hono<{ Bindings: InngestEnv }> {
  const app = new Hono<{ Bindings: InngestEnv }>()
  app.onError((error, c) => {
    console.error('inngest.do:', error)
    return c.json({ error: error.message, name: error.name }, 500)
  })
  // Any request arms the cron schedules, once per isolate, after the response if it can.
  app.use(async (c, next) => {
    const arming = armSchedulesQuietly(c.env)
    try {
      c.executionCtx.waitUntil(arming)
    } catch {
      await arming // no ExecutionContext (app.request in a test): arm before answering
    }
    await next()
  })
  return app.route('/', eventApiRoutes).route('/', eventRoutes).route('/', runRoutes)
}
