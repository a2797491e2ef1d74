/**
 * The bulk view: a cancellation filter (Inngest's `POST /v1/cancellations` fields), a preview of
 * how many runs it takes, and the button that cancels them. `POST /cancellations` takes the same
 * fields as JSON (with the `x-csrf-token` header) for scripts.
 */
import type { Context } from 'hono'
import { html } from 'hono/html'
import { registeredFunctions } from '../../actors/internal.js'
import { cancelMatching, previewCancellation, readCancellation, type CancellationRequest } from './bulk-cancel.js'
import type { DashboardEnv } from './dashboard-env.js'
import { banner, csrfField, page, type Markup } from './layout.js'
import { FORMS_SCRIPT } from './live-script.js'
import { appOf } from './run-entries.js'

const FIELDS = ['app_id', 'function_id', 'started_after', 'started_before', 'if'] as const

function form(c: Context<DashboardEnv>, values: Record<string, string>, preview?: Markup): Markup {
  const base = c.get('basePath')
  const functions = registeredFunctions().map(([id, fn]) => ({ app: appOf(id), id: fn.options.id }))
  const apps = [...new Set(functions.map((f) => f.app))].sort()
  return html`<form class="filters" method="get" action="${base}/bulk" id="bulk-filter">
<label>app_id <select name="app_id">${apps.map((app) => html`<option${values.app_id === app ? html` selected` : ''}>${app}</option>`)}</select></label>
<label>function_id <select name="function_id">${functions.map((f) => html`<option value="${f.id}"${values.function_id === f.id ? html` selected` : ''}>${f.id} (${f.app})</option>`)}</select></label>
<label>started_after (UTC) <input type="datetime-local" step="1" name="started_after" value="${values.started_after ?? ''}"></label>
<label>started_before (UTC) <input type="datetime-local" step="1" name="started_before" value="${values.started_before ?? ''}" required></label>
<label>if (CEL over event) <input name="if" value="${values.if ?? ''}" size="32" placeholder="event.data.plan == 'free'"></label>
<button name="preview" value="1">Preview</button></form>
${preview ?? ''}`
}

const valuesOf = (source: (name: string) => string | undefined) => Object.fromEntries(FIELDS.map((name) => [name, source(name) ?? '']))

function noIndex(c: Context<DashboardEnv>): Response | Promise<Response> {
  return c.html(page(c, 'bulk', 'Bulk cancel', banner('error', 'Bulk cancellation reads the run index: bind INNGEST_RUN_INDEX (class RunIndexActor).')), 503)
}

/** `GET /bulk`: the form, and with `preview` the count and the cancel button. */
export async function bulkPage(c: Context<DashboardEnv>): Promise<Response> {
  const index = c.env.INNGEST_RUN_INDEX
  if (!index) return noIndex(c)
  const values = valuesOf((name) => c.req.query(name))
  if (!values.started_before) values.started_before = new Date(Date.now() + 60_000).toISOString().slice(0, 19)
  if (!c.req.query('preview')) return c.html(page(c, 'bulk', 'Bulk cancel', form(c, values), FORMS_SCRIPT))
  const read = readCancellation(values as CancellationRequest)
  if (!read.ok) return c.html(page(c, 'bulk', 'Bulk cancel', form(c, values, banner('error', read.problem)), FORMS_SCRIPT), 400)
  const count = await previewCancellation({ ...c.env, INNGEST_RUN_INDEX: index }, read.value)
  const preview = html`<div class="panel" id="bulk-preview"><p><strong id="bulk-count">${count}</strong> unfinished run${count === 1 ? '' : 's'} of ${read.value.filter.functionId} match${count === 1 ? 'es' : ''}${read.value.condition ? ' (with if: among the first 1,000 candidates)' : ''}.</p>
${count > 0 ? html`<form method="post" action="${c.get('basePath')}/bulk" data-confirm="Cancel ${count} runs?">${csrfField(c)}${FIELDS.map((name) => html`<input type="hidden" name="${name}" value="${values[name] ?? ''}">`)}<button class="danger" id="bulk-cancel">Cancel ${count} run${count === 1 ? '' : 's'}</button></form>` : ''}</div>`
  return c.html(page(c, 'bulk', 'Bulk cancel', form(c, values, preview), FORMS_SCRIPT))
}

/** `POST /bulk`: cancels what the form's filter takes. */
export async function bulkCancel(c: Context<DashboardEnv>): Promise<Response> {
  const index = c.env.INNGEST_RUN_INDEX
  if (!index) return noIndex(c)
  const body = await c.req.parseBody()
  const values = valuesOf((name) => (typeof body[name] === 'string' ? (body[name] as string) : undefined))
  const read = readCancellation(values as CancellationRequest)
  if (!read.ok) return c.html(page(c, 'bulk', 'Bulk cancel', form(c, values, banner('error', read.problem)), FORMS_SCRIPT), 400)
  const cancelled = await cancelMatching({ ...c.env, INNGEST_RUN_INDEX: index }, read.value)
  return c.html(page(c, 'bulk', 'Bulk cancel', form(c, values, html`<p class="notice" id="bulk-done">Cancelled ${cancelled} run${cancelled === 1 ? '' : 's'}.</p>`), FORMS_SCRIPT))
}

/** `POST /cancellations` with a JSON body in Inngest's shape: `{ data: { cancelled } }`. */
export async function cancellationsApi(c: Context<DashboardEnv>): Promise<Response> {
  const index = c.env.INNGEST_RUN_INDEX
  if (!index) return c.json({ error: 'no run index', fix: 'bind INNGEST_RUN_INDEX (class RunIndexActor)' }, 503)
  let request: CancellationRequest
  try {
    request = (await c.req.json()) as CancellationRequest
  } catch {
    return c.json({ error: 'body is not valid JSON', field: 'body' }, 400)
  }
  const read = readCancellation(typeof request === 'object' && request !== null ? request : {})
  if (!read.ok) return c.json({ error: read.problem, field: 'body' }, 400)
  const cancelled = await cancelMatching({ ...c.env, INNGEST_RUN_INDEX: index }, read.value)
  return c.json({ data: { cancelled } })
}
