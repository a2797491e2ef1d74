/**
 * `@dotdo/inngest/hono`: Hono integration.
 * - `serve({ client, functions })`: the `/api/inngest` handler, mounted exactly as the official
 *   SDK's (`app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve(…))`).
 * - `inngestRoutes()`: the server side Inngest Cloud would otherwise run: the Event API
 *   (`POST /e/:eventKey`) and the REST API (`/v1/events`, `/v1/events/:id`, `/v1/events/:id/runs`,
 *   `/v1/runs/:id`), and each webhook of `inngestRoutes({ webhooks })` at `POST /webhooks/<id>`.
 * Both answer every error as JSON `{ error, field?, fix? }` (routes/route-error.ts).
 * @example
 * ```ts
 * const app = new Hono()
 * app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions: [helloWorld] }))
 * app.route('/', inngestRoutes())
 * export default { fetch: app.fetch, queue: routeEvents }
 * ```
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { baseRoutePath, matchedRoutes } from 'hono/route'
import type { Inngest } from './client.js'
import type { InngestEnv } from './env.js'
import { armSchedulesQuietly } from './events/arm-schedules.js'
import type { InngestFunction } from './inngest-function.js'
import { noteServedByHono } from './middleware/request-args.js'
import { eventApiRoutes } from './routes/event-api.js'
import { eventRoutes } from './routes/events.js'
import { INTROSPECTION_METHODS, introspection } from './routes/introspect.js'
import { answerRouteError, methodNotAllowed, RouteError } from './routes/route-error.js'
import { dashboard, type DashboardOptions } from './routes/dashboard.js'
import { runRoutes } from './routes/runs.js'
import { webhookRoutes } from './routes/webhooks.js'
import { checkpointRoutes } from './server/checkpoint-routes.js'
import { serverProtocolRoutes } from './server/server-protocol-routes.js'
import type { Webhook } from './webhooks/webhook-types.js'

type Env = { Bindings: InngestEnv }

/** The integration's name, as the official `inngest/hono` exports it. */
export const frameworkName = 'hono'

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
  // Their runs' middleware gets a Hono context as reqArgs, as inngest/hono's would.
  noteServedByHono(functions)
  const describe = introspection(client.id, functions)
  // Mounted in the app's own router, beside inngestRoutes(): its errors are answered here.
  return async (c) => {
    try {
      return await describe(c)
    } catch (error) {
      if (error instanceof Error) return answerRouteError(error, c)
      throw error
    }
  }
}

/** Options of `inngestRoutes()`. */
export interface InngestRoutesOptions {
  /** Where `serve()` is mounted (default `/api/inngest`, as Inngest's): other methods there answer 405. */
  readonly servePath?: string
  /** Webhooks declared with `webhook()`, each served at `POST /webhooks/<id>` (no key: the signature is the auth). */
  readonly webhooks?: readonly Webhook[]
  /** Serves the dashboard (runs, events, functions, bulk cancel) at `/dashboard`, or at `{ basePath }`. See the README, "Dashboard". */
  readonly dashboard?: boolean | DashboardOptions
}

/**
 * The Event API and the REST API, as a Hono app to mount with `app.route('/', inngestRoutes())`.
 * It answers every request under its own paths (`/e`, `/v1`, `/webhooks` when given and `servePath`, also when mistyped
 * in case or with doubled slashes) in one JSON shape: an unknown path 404, a known path with
 * another method 405 with `Allow`, an error thrown by a route per `answerRouteError`. Other paths,
 * and routes the app registers after mounting it, stay the app's.
 */
export function inngestRoutes({ servePath = '/api/inngest', webhooks = [], dashboard: withDashboard = false }: InngestRoutesOptions = {}): Hono<{ Bindings: InngestEnv }> {
  const app = new Hono<{ Bindings: InngestEnv }>()
  app.onError(answerRouteError)
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
  app.route('/', eventApiRoutes).route('/', eventRoutes).route('/', runRoutes).route('/', webhookRoutes(webhooks))
  app.route('/', serverProtocolRoutes).route('/', checkpointRoutes)
  if (withDashboard) app.route('/', dashboard(withDashboard === true ? {} : withDashboard))
  return app.all('*', answerUnmatched(app, servePath))
}

const PROBED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** A path as a mistyped request may spell it: lower case, no doubled or trailing slash. */
const looseForm = (path: string) => path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1').toLowerCase()

/** The methods `app`'s routes take at `path` (`HEAD` with `GET`, as Hono answers it) and that route's pattern. */
function routeAt(app: Hono<Env>, path: string): { methods: string[]; pattern: string } {
  let pattern = path
  const methods = PROBED_METHODS.filter((method) => {
    const route = app.router.match(method, path)[0].map(([[, route]]) => route).find((route) => route.method === method)
    if (route) pattern = route.path
    return route !== undefined
  })
  return { methods: methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method])), pattern }
}

/**
 * The last route of `inngestRoutes()`: a request under its paths that no route answered gets a
 * 405 naming the methods its path takes, or a 404 listing the routes. Paths are matched exactly
 * (case-sensitive, single slashes, as Inngest's): `/V1/events` and `//v1/events` are 404s, not
 * aliases, so nothing in front of the worker that filters by path can be stepped around.
 */
function answerUnmatched(app: Hono<Env>, servePath: string): MiddlewareHandler<Env> {
  const routes = app.routes.filter((route) => route.method !== 'ALL')
  const firstSegment = (path: string) => looseForm(path).split('/')[1]
  const prefixes = new Set(routes.map((route) => firstSegment(route.path))) // e, v1
  const listing = new Map<string, Set<string>>([[servePath, new Set(['GET', 'PUT'])]])
  for (const { method, path } of routes) listing.set(path, (listing.get(path) ?? new Set()).add(method))
  const fix = `paths are case-sensitive, with single slashes; the routes here: ${[...listing].map(([path, methods]) => `${[...methods].join(', ')} ${path}`).join('; ')}`
  return async (c, next) => {
    const base = baseRoutePath(c)
    const path = base !== '/' && c.req.path.startsWith(base) ? c.req.path.slice(base.length) || '/' : c.req.path
    const atServePath = looseForm(c.req.path) === looseForm(servePath)
    // Routes the app registered after mounting these, and paths not ours, stay the app's.
    if (!(atServePath || prefixes.has(firstSegment(path))) || matchedRoutes(c).length > c.req.routeIndex + 1) return next()
    const { methods, pattern } = c.req.path === servePath ? { methods: INTROSPECTION_METHODS, pattern: servePath } : routeAt(app, path)
    if (methods.length > 0 && !methods.includes(c.req.method)) throw methodNotAllowed(c.req.method, pattern, methods)
    throw new RouteError(404, 'not found', { fix })
  }
}

export { dashboard }
export type { DashboardOptions }
