/**
 * The dashboard, as a Hono app mounted at `basePath` (default `/dashboard`): runs, a run, events,
 * send event, functions, synced apps, bulk cancel and the live feed. Server-rendered HTML with a little
 * inline script; no build step. Dev mode is open; otherwise every route but sign-in needs a
 * session, and every POST its CSRF token (src/dashboard/auth.ts).
 */
import { Hono } from 'hono'
import { cancelRun, rerun, rerunFromStep } from '../dashboard/actions.js'
import { appsPage, removeFromForm, syncFromForm } from '../dashboard/apps-page.js'
import { dashboardContext, loginRoutes, logout, requireSession } from '../dashboard/auth.js'
import { bulkCancel, bulkPage, cancellationsApi } from '../dashboard/bulk-page.js'
import type { DashboardEnv } from '../dashboard/dashboard-env.js'
import { eventPage, eventsPage, replay, send, sendPage } from '../dashboard/events-page.js'
import { functionsPage, invoke } from '../dashboard/functions-page.js'
import { banner, page } from '../dashboard/layout.js'
import { liveFeed } from '../dashboard/live-feed.js'
import { runPage } from '../dashboard/run-page.js'
import { isUlid } from '../../actors/engine/ulid.js'
import { runsPage } from '../dashboard/runs-page.js'

/** Options of `dashboard()`. */
export interface DashboardOptions {
  /** Where it is mounted (default `/dashboard`): every link, and the session cookie's path. */
  readonly basePath?: string
}

/**
 * The dashboard as a Hono app; mount it with `app.route('/', dashboard())`, or pass
 * `dashboard: true` to `inngestRoutes()`.
 * @example
 * ```ts
 * const app = new Hono()
 * app.route('/', inngestRoutes({ dashboard: true })) // GET /dashboard
 * ```
 */
export function dashboard({ basePath = '/dashboard' }: DashboardOptions = {}): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>().basePath(basePath)
  app.use('*', dashboardContext(basePath))
  app.route('/', loginRoutes)
  app.use('*', requireSession)
  app.get('/', runsPage)
  app.get('/live', liveFeed)
  app.get('/runs/:runId', runPage)
  app.post('/runs/:runId/cancel', async (c) => {
    const runId = c.req.param('runId')
    if (!isUlid(runId)) return c.html(page(c, 'runs', 'Run not found', banner('error', 'That is not a run id.')), 404)
    await cancelRun(c.env, runId)
    return c.redirect(`${basePath}/runs/${runId}?done=cancelled`, 303)
  })
  app.post('/runs/:runId/rerun', async (c) => {
    const runId = c.req.param('runId')
    // `from`: rerun from that step, the completed steps before it reused.
    const from = (await c.req.parseBody()).from
    const fromStep = typeof from === 'string' && from !== '' ? from : null
    const started = !isUlid(runId) ? null : fromStep ? await rerunFromStep(c.env, runId, fromStep) : await rerun(c.env, runId)
    if (!started) return c.html(page(c, 'runs', 'Cannot rerun', banner('error', 'No such run or step, or the run has no trigger event to run again.')), 404)
    return c.redirect(`${basePath}/runs/${started}?done=rerun`, 303)
  })
  app.get('/events', eventsPage)
  app.get('/events/:eventId', eventPage)
  app.post('/events/:eventId/replay', replay)
  app.get('/send', sendPage)
  app.post('/send', send)
  app.get('/functions', (c) => functionsPage(c))
  app.post('/functions/:functionId/invoke', invoke)
  app.get('/apps', appsPage)
  app.post('/apps', syncFromForm)
  app.post('/apps/:appId/remove', removeFromForm)
  app.get('/bulk', bulkPage)
  app.post('/bulk', bulkCancel)
  app.post('/cancellations', cancellationsApi)
  app.post('/logout', logout)
  return app
}
