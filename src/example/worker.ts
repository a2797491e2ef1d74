/**
 * The whole worker a user writes: functions, `serve()` on Hono, the queue consumer and the run
 * actor class. `npm start` runs it with `wrangler dev` (see wrangler.toml).
 */
import { Hono } from 'hono'
import { routeEvents, routeSchedules } from '../index.js'
import { inngestRoutes, serve } from '../hono.js'
import { helloWorld, inngest, processOrder, syncUser } from './functions.js'

export { CronActor, EventIndexActor, EventStreamActor, FlowGateActor, RunActor, SlotActor } from '../../actors/index.js'

const app = new Hono()
app.on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions: [helloWorld, processOrder, syncUser] }))
app.route('/', inngestRoutes())

export default { fetch: app.fetch, queue: routeEvents, scheduled: routeSchedules }
