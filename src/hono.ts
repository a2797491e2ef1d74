/**
 * `@dotdo/inngest/hono`: `serve()` for Hono. Mount it and the worker speaks Inngest's Event API
 * (`POST /e/:key`), its REST API for runs (`/v1/runs/:id`) and the `/api/inngest` endpoint.
 * @example
 * ```ts
 * const app = new Hono()
 * app.route('/', serve({ client: inngest, functions: [helloWorld] }))
 * export default { fetch: app.fetch, queue: routeEvents }
 * ```
 */
import { Hono } from 'hono'
import type { Inngest } from './client.js'
import type { InngestEnv } from './env.js'
import type { InngestFunction } from './inngest-function.js'
import { eventRoutes } from './routes/events.js'
import { introspectRoutes } from './routes/introspect.js'
import { runRoutes } from './routes/runs.js'

export interface ServeOptions {
  readonly client: Inngest<any>
  readonly functions: readonly InngestFunction<any, any, any>[]
}

export function serve({ client, functions }: ServeOptions): Hono<{ Bindings: InngestEnv }> {
  for (const fn of functions) {
    if (fn.appId !== client.id) {
      throw new TypeError(`serve: function "${fn.id}" belongs to app "${fn.appId}", not "${client.id}". Fix: serve each client's functions with that client.`)
    }
  }
  const app = new Hono<{ Bindings: InngestEnv }>()
  app.onError((error, c) => {
    console.error('inngest.do:', error)
    return c.json({ error: error.message, name: error.name }, 500)
  })
  return app.route('/', eventRoutes).route('/', runRoutes).route('/', introspectRoutes(client.id, functions))
}
