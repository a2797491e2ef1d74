/**
 * The events views: recent events newest first (optionally one name, paged by cursor), one
 * event's payload and the runs it started, replay, and "send event" with a JSON editor that
 * validates in the browser before it posts (and the server validates again, as the Event API).
 */
import type { Context } from 'hono'
import { html } from 'hono/html'
import { deriveRunId, findStoredEvent, recentInShards, runActorStub } from '../../actors/internal.js'
import { indexedRunsOfEvent, type RunIndexEntry } from '../../actors/run-index/index.js'
import { functionsFor } from '../events/route-events.js'
import { replayEvent, sendEvents } from './actions.js'
import type { DashboardEnv } from './dashboard-env.js'
import { formatJson, formatTime } from './format.js'
import { banner, csrfField, page, type Markup } from './layout.js'
import { FORMS_SCRIPT } from './live-script.js'
import { entryFromInspection } from './run-entries.js'
import { runRow } from './runs-page.js'

const EVENTS_PAGE = 50
const EXAMPLE_EVENT = '{\n  "name": "test/hello",\n  "data": { "name": "World" }\n}'

/** `GET /events`. */
export async function eventsPage(c: Context<DashboardEnv>): Promise<Response> {
  const base = c.get('basePath')
  const name = c.req.query('name')?.trim() || undefined
  const cursorId = c.req.query('cursor')
  const cursor = cursorId ? await findStoredEvent(c.env, cursorId) : undefined
  const events = await recentInShards(c.env, { limit: EVENTS_PAGE, ...(name ? { name } : {}), ...(cursor ? { before: { receivedAt: cursor.receivedAt, id: cursor.event.id } } : {}) })
  const last = events.length === EVENTS_PAGE ? events[EVENTS_PAGE - 1] : undefined
  const body = html`<form class="filters" method="get" action="${base}/events">
<label>Event name <input type="search" name="name" value="${name ?? ''}" size="30"></label><button>Filter</button> <a href="${base}/events">Clear</a> <a href="${base}/send">Send an event…</a></form>
<table id="events"><thead><tr><th>Event</th><th>Name</th><th>Received</th><th>ts</th></tr></thead><tbody>
${events.map(({ event, receivedAt }) => html`<tr data-event-id="${event.id}"><td class="mono"><a href="${base}/events/${encodeURIComponent(event.id)}">${event.id}</a></td><td>${event.name}</td><td class="mono">${formatTime(receivedAt)}</td><td class="mono">${formatTime(event.ts)}</td></tr>`)}
</tbody></table>
${events.length === 0 ? html`<p class="muted">No events${name ? ` named ${name}` : ''}.</p>` : ''}
<div class="pager">${cursor ? html`<a href="${base}/events${name ? `?name=${encodeURIComponent(name)}` : ''}">← Newest</a>` : ''}${last ? html`<a rel="next" href="${base}/events?${new URLSearchParams({ ...(name ? { name } : {}), cursor: last.event.id }).toString()}">Older →</a>` : ''}</div>`
  return c.html(page(c, 'events', 'Events', body))
}

/** The runs an event started: the index's, plus the runs its id derives for the functions its name triggers (as `GET /v1/events/:id/runs`). */
async function runsOfEvent(c: Context<DashboardEnv>, id: string, name: string, ts: number): Promise<RunIndexEntry[]> {
  const indexed = c.env.INNGEST_RUN_INDEX ? await indexedRunsOfEvent({ INNGEST_RUN_INDEX: c.env.INNGEST_RUN_INDEX }, id) : []
  const known = new Set(indexed.map((entry) => entry.runId))
  const derived = await Promise.all(
    functionsFor(name).map(async (functionId) => {
      const runId = await deriveRunId(id, functionId, ts)
      if (known.has(runId)) return null
      return entryFromInspection(runId, await runActorStub(c.env.INNGEST_RUNS, runId).inspect())
    }),
  )
  return [...indexed, ...derived.filter((entry): entry is RunIndexEntry => entry !== null)]
}

/** `GET /events/:eventId`. */
export async function eventPage(c: Context<DashboardEnv>): Promise<Response> {
  const base = c.get('basePath')
  const id = c.req.param('eventId') ?? ''
  const stored = await findStoredEvent(c.env, id)
  if (!stored) return c.html(page(c, 'events', 'Event not found', banner('error', `No event ${id} (events are kept 7 days).`)), 404)
  const { event, receivedAt } = stored
  const runs = await runsOfEvent(c, event.id, event.name, event.ts)
  const body = html`${c.req.query('sent') ? banner('notice', 'Sent.') : ''}
<dl><dt>Id</dt><dd class="mono">${event.id}</dd><dt>Name</dt><dd>${event.name}</dd><dt>Received</dt><dd class="mono">${formatTime(receivedAt)}</dd></dl>
<div class="actions"><form method="post" action="${base}/events/${encodeURIComponent(event.id)}/replay" data-confirm="Send this event again, with a new id?">${csrfField(c)}<button id="replay">Replay</button></form></div>
<h2>Payload</h2><pre id="payload">${formatJson(event)}</pre>
<h2>Runs</h2>
<table id="runs" data-live="off" data-base="${base}"><thead><tr><th>Run</th><th>Function</th><th>App</th><th>Status</th><th>Trigger</th><th>Started</th><th>Duration</th></tr></thead>
<tbody>${runs.map((entry) => runRow(base, entry))}</tbody></table>
${runs.length === 0 ? html`<p class="muted" id="no-runs">No runs (yet).</p>` : ''}`
  return c.html(page(c, 'events', `Event ${event.name}`, body, FORMS_SCRIPT))
}

/** `POST /events/:eventId/replay`. */
export async function replay(c: Context<DashboardEnv>): Promise<Response> {
  const stored = await findStoredEvent(c.env, c.req.param('eventId') ?? '')
  if (!stored) return c.html(page(c, 'events', 'Event not found', banner('error', 'No such event to replay.')), 404)
  const sent = await replayEvent(c.env, stored.event)
  if (!sent.ok) return c.html(page(c, 'events', 'Replay failed', banner('error', sent.problem)), 400)
  return c.redirect(`${c.get('basePath')}/events/${encodeURIComponent(sent.value)}?sent=1`, 303)
}

function sendForm(c: Context<DashboardEnv>, text: string, problem?: string): Markup {
  return html`${problem ? banner('error', problem) : ''}
<form method="post" action="${c.get('basePath')}/send" data-json="event" id="send-event">${csrfField(c)}
<label>Event JSON: one event or an array, as POST /e/:key takes <textarea name="event" spellcheck="false">${text}</textarea></label>
<p class="json-problem error-text muted" aria-live="polite"></p>
<button>Send event</button></form>`
}

/** `GET /send`. */
export function sendPage(c: Context<DashboardEnv>): Response | Promise<Response> {
  return c.html(page(c, 'send', 'Send event', sendForm(c, EXAMPLE_EVENT), FORMS_SCRIPT))
}

/** `POST /send`: the form's `event` field, or a JSON body (with the `x-csrf-token` header). */
export async function send(c: Context<DashboardEnv>): Promise<Response> {
  const isJson = (c.req.header('content-type') ?? '').startsWith('application/json')
  const text = isJson ? await c.req.text() : String((await c.req.parseBody()).event ?? '')
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch {
    if (isJson) return c.json({ error: 'body is not valid JSON', field: 'body', fix: 'send a JSON event or array of events' }, 400)
    return c.html(page(c, 'send', 'Send event', sendForm(c, text, 'Not valid JSON.'), FORMS_SCRIPT), 400)
  }
  const sent = await sendEvents(c.env, input)
  if (isJson) return sent.ok ? c.json({ ids: sent.value, status: 200 }) : c.json({ error: sent.problem, field: 'body' }, 400)
  if (!sent.ok) return c.html(page(c, 'send', 'Send event', sendForm(c, text, sent.problem), FORMS_SCRIPT), 400)
  return c.redirect(`${c.get('basePath')}/events/${encodeURIComponent(sent.value[0]!)}?sent=1`, 303)
}
