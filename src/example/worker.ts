/**
 * The whole worker a user writes: functions, `serve()` on Hono, the queue consumer and the run
 * actor class. `npm start` runs it with `wrangler dev` (see wrangler.toml); the dashboard is at
 * `/dashboard` (logged on the first request).
 */
import { Hono } from 'hono'
import { routeEvents, routeSchedules } from '../index.js'
import { inngestRoutes, serve } from '../hono.js'
import { helloWorld, inngest, processOrder, syncUser } from './functions.js'

export { CronActor, EventIndexActor, EventStreamActor, FlowGateActor, RunActor, SlotActor } from '../../actors/internal.js'
export { RunIndexActor } from '../../actors/run-index/index.js'
export { AppRegistryActor } from '../../actors/apps/app-registry-actor.js'

const app = new Hono()
app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions: [helloWorld, processOrder, syncUser] }))
// wrangler dev prints the worker's URL; the dashboard's is logged once, on the first request.
let dashboardAnnounced = false
app.use(async (c, next) => {
  if (!dashboardAnnounced) {
    dashboardAnnounced = true
    console.log(`Dashboard: ${new URL(c.req.url).origin}/dashboard`)
  }
  await next()
})
app.route('/', inngestRoutes({ dashboard: true }))

export default { fetch: app.fetch, queue: routeEvents, scheduled: routeSchedules }
