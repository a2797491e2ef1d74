/**
 * The runs view: newest first from the run index, filtered by status, function and time range,
 * searched by run or event id, paged by cursor (each shard's page before it, merged: a page
 * costs the same at run 100,000 as at run 1), and updated live from the index's feed.
 */
import { isUlid } from '../../actors/engine/ulid.js'
import type { Context } from 'hono'
import { html } from 'hono/html'
import { registeredFunctions, runActorStub } from '../../actors/internal.js'
import { findIndexedRun, indexedRunsOfEvent, listIndexedRuns, type IndexedRunStatus, type RunCursor, type RunIndexEntry } from '../../actors/run-index/index.js'
import type { DashboardEnv } from './dashboard-env.js'
import { formatDuration, formatTime, parseTimeField, statusBadge, timeFieldValue } from './format.js'
import { banner, page, type Markup } from './layout.js'
import { LIVE_RUNS_SCRIPT } from './live-script.js'
import { appOf, entryFromInspection } from './run-entries.js'

export const PAGE_SIZE = 50
const STATUSES: readonly IndexedRunStatus[] = ['Running', 'Completed', 'Failed', 'Cancelled', 'Skipped']

/** The filters of the runs view, read from its query string. */
export interface RunsFilter {
  readonly statuses: IndexedRunStatus[]
  readonly functionId?: string
  readonly from?: number
  readonly to?: number
  readonly search?: string
  readonly before?: RunCursor
}

export function readRunsFilter(c: Context<DashboardEnv>): RunsFilter {
  const statuses = c.req.queries('status')?.filter((s): s is IndexedRunStatus => (STATUSES as string[]).includes(s)) ?? []
  const functionId = c.req.query('function') || undefined
  const from = parseTimeField(c.req.query('from'))
  const to = parseTimeField(c.req.query('to'))
  const search = c.req.query('q')?.trim() || undefined
  const cursor = /^(\d{1,15})\.([0-9A-Za-z]{1,64})$/.exec(c.req.query('before') ?? '')
  const before = cursor ? { queuedAt: Number(cursor[1]), runId: cursor[2]! } : undefined
  return { statuses, ...(functionId ? { functionId } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(search ? { search } : {}), ...(before ? { before } : {}) }
}

/** The runs a search finds: the run of that id and the runs of that event id. */
async function searchRuns(c: Context<DashboardEnv>, index: NonNullable<DashboardEnv['Bindings']['INNGEST_RUN_INDEX']>, search: string): Promise<RunIndexEntry[]> {
  const env = { INNGEST_RUN_INDEX: index }
  const [run, ofEvent] = await Promise.all([findIndexedRun(env, search), indexedRunsOfEvent(env, search)])
  const found = [...(run ? [run] : []), ...ofEvent]
  if (found.length === 0 && isUlid(search)) {
    // A run the index does not list (started before the index existed): ask the run itself.
    const entry = entryFromInspection(search, await runActorStub(c.env.INNGEST_RUNS, search).inspect())
    if (entry) found.push(entry)
  }
  return found
}

/** One row; the live script builds the same cells for a run it learns of. */
export function runRow(base: string, entry: RunIndexEntry): Markup {
  const started = entry.startedAt ?? entry.queuedAt
  const duration = entry.endedAt !== null ? entry.endedAt - started : null
  return html`<tr data-run-id="${entry.runId}" data-queued-at="${entry.queuedAt}">
<td class="mono"><a href="${base}/runs/${entry.runId}">${entry.runId}</a></td>
<td>${entry.functionId}</td>
<td>${appOf(entry.functionId)}</td>
<td class="run-status">${statusBadge(entry.status)}</td>
<td>${entry.eventId ? html`<a href="${base}/events/${encodeURIComponent(entry.eventId)}">${entry.eventName ?? entry.eventId}</a>` : html`<span class="muted">none</span>`}</td>
<td class="mono run-started" data-ms="${started}">${formatTime(started)}</td>
<td class="run-duration" data-started="${started}">${duration === null ? (entry.status === 'Running' ? 'running' : '—') : formatDuration(duration)}</td>
</tr>`
}

function filterForm(base: string, filter: RunsFilter): Markup {
  const functions = registeredFunctions().map(([id]) => id).sort()
  return html`<form class="filters" method="get" action="${base}">
<label>Status <select name="status" multiple size="3">${STATUSES.map((s) => html`<option${filter.statuses.includes(s) ? html` selected` : ''}>${s}</option>`)}</select></label>
<label>Function <select name="function"><option value="">any</option>${functions.map((id) => html`<option value="${id}"${filter.functionId === id ? html` selected` : ''}>${id}</option>`)}</select></label>
<label>Queued from (UTC) <input type="datetime-local" step="1" name="from" value="${timeFieldValue(filter.from)}"></label>
<label>to (UTC) <input type="datetime-local" step="1" name="to" value="${timeFieldValue(filter.to)}"></label>
<label>Run id or event id <input type="search" name="q" value="${filter.search ?? ''}" size="30"></label>
<button>Apply</button> <a href="${base}">Clear</a>
</form>`
}

/** `GET /`: the runs view. */
export async function runsPage(c: Context<DashboardEnv>): Promise<Response> {
  const base = c.get('basePath')
  const filter = readRunsFilter(c)
  const index = c.env.INNGEST_RUN_INDEX
  if (!index) {
    return c.html(page(c, 'runs', 'Runs', banner('error', 'No run index: bind INNGEST_RUN_INDEX to class RunIndexActor (wrangler.toml) to list runs. Runs are still reachable by id: Events → an event → its runs.')))
  }
  const runs = filter.search
    ? await searchRuns(c, index, filter.search)
    : await listIndexedRuns({ INNGEST_RUN_INDEX: index }, {
        limit: PAGE_SIZE,
        ...(filter.statuses.length > 0 ? { statuses: filter.statuses } : {}),
        ...(filter.functionId ? { functionId: filter.functionId } : {}),
        ...(filter.from !== undefined ? { from: filter.from } : {}),
        ...(filter.to !== undefined ? { to: filter.to } : {}),
        ...(filter.before ? { before: filter.before } : {}),
      })
  const last = runs.length === PAGE_SIZE && !filter.search ? runs[PAGE_SIZE - 1] : undefined
  const older = new URL(c.req.url)
  if (last) older.searchParams.set('before', `${last.queuedAt}.${last.runId}`)
  const newest = new URL(c.req.url)
  newest.searchParams.delete('before')
  const live = !filter.before && !filter.search
  const body = html`${filterForm(base, filter)}
<table id="runs" data-live="${live ? 'on' : 'off'}" data-statuses="${filter.statuses.join(',')}" data-function="${filter.functionId ?? ''}" data-from="${filter.from ?? ''}" data-to="${filter.to ?? ''}" data-base="${base}" data-apps="${JSON.stringify(Object.fromEntries(registeredFunctions().map(([id]) => [id, appOf(id)])))}">
<thead><tr><th>Run</th><th>Function</th><th>App</th><th>Status</th><th>Trigger</th><th>Started</th><th>Duration</th></tr></thead>
<tbody>${runs.map((entry) => runRow(base, entry))}</tbody>
</table>
${runs.length === 0 ? html`<p class="muted" id="no-runs">No runs${filter.search ? ` for ${filter.search}` : ' match'}.</p>` : ''}
<div class="pager">${filter.before ? html`<a href="${newest.pathname}${newest.search}">← Newest</a>` : ''}${last ? html`<a rel="next" href="${older.pathname}${older.search}">Older →</a>` : ''}
<span class="muted" id="live-state">${live ? 'live' : 'live updates on the first page only'}</span></div>`
  return c.html(page(c, 'runs', 'Runs', body, LIVE_RUNS_SCRIPT))
}
