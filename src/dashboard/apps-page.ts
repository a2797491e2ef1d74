/**
 * The apps view, as the Inngest dev server's: every app synced from the official SDK (its URL,
 * SDK and framework, how and when it synced, its functions with their triggers, the functions the
 * sync refused with the fix), "sync an app" by URL (the in-band sync of `POST /v1/apps`), and
 * resync or remove each app. App ids, URLs and sync errors come from the apps: all shown as text.
 */
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { appRegistryStub } from '../../actors/apps/app-registry-actor.js'
import type { SyncedApp, SyncedFunction } from '../../actors/apps/synced-app.js'
import { failureHandlerId } from '../../actors/registry.js'
import { addApp } from '../server/add-app.js'
import { removeApp } from '../server/remove-app.js'
import type { SyncReply } from '../server/sync-app.js'
import type { DashboardEnv } from './dashboard-env.js'
import { formatDuration, formatTime } from './format.js'
import { banner, csrfField, page, type Markup } from './layout.js'
import { FORMS_SCRIPT } from './live-script.js'

const EXAMPLE_URL = 'http://localhost:3000/api/inngest'

/** What the page shows above the list: a sync's problem and the URL to keep in the form. */
interface Outcome {
  readonly problem?: Markup
  readonly url?: string
}

/** The note a worker without the registry shows in place of the apps. */
function noRegistry(c: Context<DashboardEnv>, status: ContentfulStatusCode): Response | Promise<Response> {
  const body = html`<div class="panel" id="no-apps-binding"><p>This worker serves no synced apps: bind <code>INNGEST_APPS</code> to the
<code>AppRegistryActor</code> class in wrangler.toml (README, “Use inngest.do as your Inngest server”), then sync apps here or with
<code>curl -X PUT &lt;app url&gt;</code>.</p>
<pre>[[durable_objects.bindings]]
name = "INNGEST_APPS"
class_name = "AppRegistryActor"   # export { AppRegistryActor } from '@dotdo/inngest/actors'

[[migrations]]
tag = "v4"   # your next tag
new_sqlite_classes = ["AppRegistryActor"]</pre></div>`
  return c.html(page(c, 'apps', 'Apps', body), status)
}

/** The notice a redirect after a sync or a removal carries (fixed texts; only the app id or URL comes from the query). */
function doneNotice(c: Context<DashboardEnv>): Markup | '' {
  const [done, app, url, modified] = ['done', 'app', 'url', 'modified'].map((name) => c.req.query(name))
  if (done === 'removed' && app) return banner('notice', `Removed app ${app}: its functions start no new runs; runs in flight finish.`)
  if (done === 'synced' && app) return banner('notice', `Synced app ${app}${modified === '1' ? ': its functions changed.' : modified === '0' ? ': nothing changed.' : '.'}`)
  if (done === 'synced' && url) return banner('notice', `Synced the app at ${url}: it posted its functions itself (out of band).`)
  return ''
}

function syncForm(c: Context<DashboardEnv>, url = ''): Markup {
  return html`<form class="filters" method="post" action="${c.get('basePath')}/apps" id="sync-app">${csrfField(c)}
<label>App URL: where it serves its functions <input type="url" name="url" value="${url}" size="48" placeholder="${EXAMPLE_URL}" required></label>
<button>Sync app</button></form>
<p class="muted">Or from the app's side: <code>curl -X PUT ${EXAMPLE_URL}</code> makes the SDK post its functions to this worker.</p>`
}

function triggerList(fn: SyncedFunction): Markup {
  return html`${fn.failureOf ? html`<span class="muted">handles failures of <span class="mono">${fn.failureOf}</span></span>` : ''}
<ul>${fn.options.triggers.map((trigger) =>
    'cron' in trigger
      ? html`<li>cron <code>${trigger.cron}</code></li>`
      : html`<li>event <code>${trigger.event}</code>${trigger.if ? html` if <code>${trigger.if}</code>` : ''}</li>`,
  )}</ul>${fn.options.triggers.length === 0 && !fn.failureOf ? html`<span class="muted">none (invoke only)</span>` : ''}`
}

function functionsTable(c: Context<DashboardEnv>, app: SyncedApp): Markup {
  if (app.functions.length === 0) return html`<p class="muted">No functions synced.</p>`
  const base = c.get('basePath')
  return html`<table class="app-functions"><thead><tr><th>Function</th><th>Triggers</th><th></th></tr></thead><tbody>
${app.functions.map((fn) => {
  const registeredAs = fn.failureOf ? failureHandlerId(fn.failureOf) : fn.compositeId
  return html`<tr data-function-id="${fn.compositeId}"><td>${fn.name || fn.slug}<br><span class="mono muted">${fn.compositeId}</span></td><td>${triggerList(fn)}</td><td><a href="${base}?function=${encodeURIComponent(registeredAs)}">Runs</a></td></tr>`
})}
</tbody></table>`
}

function refusedTable(app: SyncedApp): Markup | '' {
  if (app.refused.length === 0) return ''
  return html`<h3>Refused at sync (${app.refused.length})</h3>
<table class="app-refused"><thead><tr><th>Function</th><th>Error</th><th>Field</th><th>Fix</th></tr></thead><tbody>
${app.refused.map((fn) => html`<tr data-function-id="${fn.compositeId}"><td class="mono">${fn.compositeId}</td><td class="error-text">${fn.error}</td><td class="mono">${fn.field ?? '—'}</td><td>${fn.fix ?? '—'}</td></tr>`)}
</tbody></table>`
}

function appCard(c: Context<DashboardEnv>, app: SyncedApp, now: number): Markup {
  const base = c.get('basePath')
  return html`<section class="panel app" data-app-id="${app.id}">
<h2>${app.id}</h2>
<dl><dt>URL</dt><dd class="mono app-url">${app.url}</dd>
<dt>SDK</dt><dd>${app.sdk ?? '—'}</dd>
<dt>Framework</dt><dd>${app.framework ?? '—'}</dd>
${app.appVersion ? html`<dt>App version</dt><dd>${app.appVersion}</dd>` : ''}
<dt>Sync</dt><dd>${app.syncKind === 'in_band' ? 'in band (by URL)' : 'out of band (the app posted its functions)'}</dd>
<dt>Last synced</dt><dd><time class="mono" datetime="${new Date(app.syncedAt).toISOString()}">${formatTime(app.syncedAt)}</time> <span class="muted">(${formatDuration(now - app.syncedAt)} ago)</span></dd></dl>
<div class="actions">
<form method="post" action="${base}/apps" class="resync">${csrfField(c)}<input type="hidden" name="url" value="${app.url}"><button>Resync</button></form>
<form method="post" action="${base}/apps/${encodeURIComponent(app.id)}/remove" class="remove" data-confirm="Remove app ${app.id}? Its functions start no new runs; runs in flight finish.">${csrfField(c)}<button class="danger">Remove</button></form>
</div>
<h3>Functions (${app.functions.length})</h3>
${functionsTable(c, app)}
${refusedTable(app)}
</section>`
}

/** The page with the registry's apps; `outcome` a sync's problem, `status` its HTTP status. */
async function renderApps(c: Context<DashboardEnv>, outcome: Outcome = {}, status: ContentfulStatusCode = 200): Promise<Response> {
  const namespace = c.env.INNGEST_APPS
  if (!namespace) return noRegistry(c, status === 200 ? 200 : 501)
  const { apps } = await appRegistryStub(namespace).snapshot()
  const now = Date.now()
  const body = html`${doneNotice(c)}${outcome.problem ?? ''}
${syncForm(c, outcome.url)}
${apps.length === 0 ? html`<p class="muted" id="no-apps">No apps synced yet.</p>` : ''}
<div id="apps">${apps.map((app) => appCard(c, app, now))}</div>`
  return c.html(page(c, 'apps', 'Apps', body, FORMS_SCRIPT), status)
}

/** `GET /apps`. */
export function appsPage(c: Context<DashboardEnv>): Promise<Response> {
  return renderApps(c)
}

/** What to do about a failed sync, by what failed. */
function syncFix(reply: SyncReply): string {
  if (reply.refused && reply.refused.length > 0) return 'correct each refused function (listed under its app below, with the field and the fix), deploy the app and resync'
  if (reply.status === 401) return "make the app and this worker agree: the same INNGEST_SIGNING_KEY, or both in dev mode (the app started with INNGEST_DEV=<this worker's URL>), then sync again"
  if (reply.error?.startsWith('could not reach')) return `check that the app is running and that the URL is where it serves its functions (e.g. ${EXAMPLE_URL}), reachable from this worker`
  return "check that the URL is the app's Inngest endpoint (its serve() handler), and the app's logs"
}

function syncProblem(error: string, fix: string): Markup {
  return html`<div class="error" role="alert" id="sync-problem"><strong>Sync failed:</strong> ${error}<br>Fix: ${fix}.</div>`
}

/** `POST /apps` with `url`: syncs (or resyncs) the app served there, in band as `POST /v1/apps`. */
export async function syncFromForm(c: Context<DashboardEnv>): Promise<Response> {
  if (!c.env.INNGEST_APPS) return noRegistry(c, 501)
  const field = (await c.req.parseBody()).url
  const url = typeof field === 'string' ? field.trim() : ''
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    return renderApps(c, { url, problem: syncProblem(`${url === '' ? 'no URL given' : `${url} is not an http(s) URL`}: the URL must be where the app serves its functions`, `enter it in full, e.g. ${EXAMPLE_URL}`) }, 400)
  }
  const reply = await addApp(c.env, url)
  if (!reply.ok) {
    const status = reply.status >= 400 && reply.status < 600 ? (reply.status as ContentfulStatusCode) : 502
    return renderApps(c, { url, problem: syncProblem(reply.error ?? `the sync answered ${reply.status}`, syncFix(reply)) }, status)
  }
  const query: Record<string, string> = reply.app_id ? { done: 'synced', app: reply.app_id, modified: reply.modified ? '1' : '0' } : { done: 'synced', url }
  return c.redirect(`${c.get('basePath')}/apps?${new URLSearchParams(query).toString()}`, 303)
}

/** `POST /apps/:appId/remove`: forgets the app; its functions start no new runs. */
export async function removeFromForm(c: Context<DashboardEnv>): Promise<Response> {
  if (!c.env.INNGEST_APPS) return noRegistry(c, 501)
  const appId = c.req.param('appId') ?? ''
  const removed = await removeApp(c.env, appId)
  if (!removed) return renderApps(c, { problem: banner('error', `No app ${appId} is synced: nothing to remove.`) }, 404)
  return c.redirect(`${c.get('basePath')}/apps?${new URLSearchParams({ done: 'removed', app: removed.id }).toString()}`, 303)
}
