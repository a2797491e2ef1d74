/**
 * The routes an app built on the official Inngest SDK calls, or that manage such apps:
 * - `POST /fn/register`: the SDK's out-of-band sync (after `curl -X PUT <app>/api/inngest`),
 *   answered as the SDK reads it (`{ status, error, modified }`); Bearer signing key (hashed, as
 *   the SDK sends it) outside dev mode.
 * - `POST /v1/signals` `{ signal, data }`: the SDK's `inngest.sendSignal` (and `step.sendSignal`),
 *   delivered to the run waiting for it: `{ data: { run_id } }`, or 404 when none waits; Bearer
 *   signing key as for `/fn/register`.
 * - `POST /v1/apps` `{ url }`: adds or resyncs the app served there (in-band sync).
 * - `GET /v1/apps`, `GET /v1/apps/:appId/functions`: what is synced.
 * - `DELETE /v1/apps/:appId`: removes an app; its functions start no new runs, and runs in flight
 *   finish as they began.
 */
import { Hono } from 'hono'
import { appRegistryStub } from '../../actors/apps/app-registry-actor.js'
import type { SyncedApp } from '../../actors/apps/synced-app.js'
import { appFetcher } from '../../actors/apps/synced-functions.js'
import { checkSignal, deliverSignal } from '../../actors/events/signals.js'
import { isDevMode, type InngestEnv } from '../env.js'
import { requireSigningKey, sdkMayCall } from '../routes/auth.js'
import { RouteError } from '../routes/route-error.js'
import { addApp } from './add-app.js'
import { trustProblem } from './trust-probe.js'
import { removeApp } from './remove-app.js'
import { syncApp, type RegisterBody } from './sync-app.js'

type Env = { Bindings: InngestEnv }

function appsOf(env: InngestEnv) {
  if (!env.INNGEST_APPS) throw new RouteError(501, 'this worker serves no synced apps', { fix: 'bind INNGEST_APPS to the AppRegistryActor class in wrangler.toml (README, "Use inngest.do as your Inngest server")' })
  return appRegistryStub(env.INNGEST_APPS)
}

const metadata = () => ({ fetched_at: new Date().toISOString(), cached_until: null })

function appSummary(app: SyncedApp) {
  return {
    id: app.id,
    url: app.url,
    sdk: app.sdk,
    framework: app.framework,
    app_version: app.appVersion,
    sync_kind: app.syncKind,
    synced_at: new Date(app.syncedAt).toISOString(),
    functions: app.functions.map((fn) => fn.compositeId),
    refused: app.refused,
  }
}

/** Mounted by `inngestRoutes()` with `app.route('/', serverProtocolRoutes)`. */
export const serverProtocolRoutes = new Hono<Env>()
  .post('/fn/register', async (c) => {
    // Errors too carry `status`: the SDK takes the sync's status from the body (default 200).
    if (!(await sdkMayCall(c.env, c.req.header('authorization')))) {
      return c.json({ status: 401, ok: false, modified: false, error: 'Unauthorized: the SDK must send Authorization: Bearer <its signing key, hashed>; give the app the INNGEST_SIGNING_KEY this worker has' }, 401)
    }
    let body: RegisterBody
    try {
      body = (await c.req.json()) as RegisterBody
    } catch {
      return c.json({ status: 400, ok: false, modified: false, error: 'the register body is not JSON' }, 400)
    }
    const capabilities = (body as { capabilities?: { trust_probe?: unknown } }).capabilities
    if (!isDevMode(c.env) && capabilities?.trust_probe === 'v1' && typeof body.url === 'string' && URL.canParse(body.url)) {
      const problem = await trustProblem(c.env, body.url, appFetcher())
      if (problem) return c.json({ status: 401, ok: false, modified: false, error: problem }, 401)
    }
    const reply = await syncApp(c.env, body, 'out_of_band')
    return c.json(reply, reply.status as 200)
  })
  .post('/v1/signals', async (c) => {
    // The SDK reads an error answer as `{ error, status }` (inngest-js api/schema.ts), and a 404 as "no run waits".
    const refuse = (status: 400 | 401 | 404, error: string, fix?: string) => c.json({ status, error, ...(fix ? { fix } : {}) }, status)
    if (!(await sdkMayCall(c.env, c.req.header('authorization')))) {
      return refuse(401, 'Unauthorized', 'the SDK sends Authorization: Bearer <its signing key, hashed>: give the app the INNGEST_SIGNING_KEY this worker has')
    }
    const body = (await c.req.json().catch(() => undefined)) as { signal?: unknown; data?: unknown } | undefined
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(400, 'the body must be a JSON object', 'send { "signal": "<name>", "data": <any JSON> }')
    try {
      checkSignal(body.signal, body.data, 'POST /v1/signals')
    } catch (error) {
      return refuse(400, (error as Error).message)
    }
    const signal = body.signal as string
    const { runId } = await deliverSignal(c.env, signal, body.data)
    if (!runId) return refuse(404, `no run is waiting for signal "${signal}"`, 'a signal reaches only a run already in step.waitForSignal for it; send it once the wait has begun')
    return c.json({ data: { run_id: runId } })
  })
  .use('/v1/apps/*', requireSigningKey) // matches /v1/apps too
  .post('/v1/apps', async (c) => {
    appsOf(c.env)
    const body = (await c.req.json().catch(() => undefined)) as { url?: unknown } | undefined
    const url = body?.url
    if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new RouteError(400, 'url must be the http(s) URL the app serves its functions at', { field: 'url', fix: 'send { "url": "http://127.0.0.1:3000/api/inngest" }' })
    }
    const reply = await addApp(c.env, url)
    return c.json({ data: reply }, reply.ok ? 200 : reply.status >= 400 && reply.status < 600 ? (reply.status as 400) : 502)
  })
  .get('/v1/apps', async (c) => {
    const { apps } = await appsOf(c.env).snapshot()
    return c.json({ data: apps.map(appSummary), metadata: metadata() })
  })
  .get('/v1/apps/:appId/functions', async (c) => {
    const appId = c.req.param('appId')
    const app = await appsOf(c.env).app(appId)
    if (!app) throw new RouteError(404, `app ${appId} is not synced`, { field: 'appId', fix: 'GET /v1/apps lists the synced apps; sync one with curl -X PUT <app url>' })
    const data = app.functions.map((fn) => ({
      id: fn.compositeId,
      slug: fn.slug,
      name: fn.name,
      url: fn.url,
      triggers: fn.options.triggers,
      ...(fn.failureOf ? { on_failure_of: fn.failureOf } : {}),
      config: fn.config,
    }))
    return c.json({ data, metadata: metadata() })
  })
  .delete('/v1/apps/:appId', async (c) => {
    const appId = c.req.param('appId')
    appsOf(c.env)
    const removed = await removeApp(c.env, appId)
    if (!removed) throw new RouteError(404, `app ${appId} is not synced`, { field: 'appId', fix: 'GET /v1/apps lists the synced apps' })
    return c.json({ data: { id: removed.id, removed: true, functions: removed.functions.map((fn) => fn.compositeId) } })
  })
