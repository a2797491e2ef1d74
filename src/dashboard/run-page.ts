/**
 * The run view: what the run's own object reports (`inspect()`): its trigger events, the state
 * machine with the current state and the (derived) transition history, the step waterfall, each
 * step's output or error with its stack; and the actions cancel, rerun, and rerun from a chosen
 * step (the completed steps before it reused: the run starts with them memoized).
 */
import type { Context } from 'hono'
import { html } from 'hono/html'
import { runActorStub, type RunInspection, type StepTimelineEntry } from '../../actors/internal.js'
import { findIndexedRun } from '../../actors/run-index/index.js'
import type { DashboardEnv } from './dashboard-env.js'
import { formatDuration, formatJson, formatTime, statusBadge } from './format.js'
import { banner, csrfField, page, type Markup } from './layout.js'
import { LIVE_RUN_SCRIPT } from './live-script.js'
import { appOf, refreshIndexEntry } from './run-entries.js'
import { deriveHistory, type RunState } from './run-history.js'
import { stateDiagram } from './state-diagram.js'
import { waterfall } from './waterfall.js'
import { isUlid } from '../../actors/engine/ulid.js'


function stepRow(step: StepTimelineEntry): Markup {
  const took = step.startedAt !== null && step.endedAt !== null ? formatDuration(step.endedAt - step.startedAt) : '—'
  return html`<tr data-step="${step.key}">
<td class="mono">${step.key}</td><td>${step.kind}</td><td>${step.status}</td><td>${step.attempts + (step.status === 'completed' || step.status === 'failed' ? 1 : 0)}</td>
<td class="mono">${formatTime(step.startedAt)}</td><td class="mono">${formatTime(step.endedAt)}</td><td>${took}</td><td class="mono">${formatTime(step.wakeAt)}</td>
<td>${step.error ? html`<details class="step-error"><summary>${step.error.name}: ${step.error.message}</summary><pre>${step.error.stack ?? '(no stack)'}</pre></details>` : ''}
${step.output !== null && step.output !== undefined ? html`<details class="step-output"><summary>output</summary><pre>${formatJson(step.output)}</pre></details>` : ''}</td>
</tr>`
}

function actions(c: Context<DashboardEnv>, runId: string, run: RunInspection): Markup {
  const base = c.get('basePath')
  const finished = run.snapshot?.value === 'done'
  return html`<div class="actions">
${finished ? '' : html`<form method="post" action="${base}/runs/${runId}/cancel" data-confirm="Cancel this run?">${csrfField(c)}<button class="danger" id="cancel-run">Cancel run</button></form>`}
${run.events.length > 0 ? html`<form method="post" action="${base}/runs/${runId}/rerun" data-confirm="Start a new run of this function with the same event?">${csrfField(c)}<button id="rerun">Rerun</button></form>` : ''}
${run.events.length > 0 && run.steps.length > 0 ? html`<form method="post" action="${base}/runs/${runId}/rerun" data-confirm="Start a new run from this step? The completed steps before it are reused.">${csrfField(c)}<label>Rerun from step <select name="from" id="rerun-from">${run.steps.map((step) => html`<option value="${step.key}">${step.id}</option>`)}</select></label> <button id="rerun-from-step">Rerun from here</button></form>` : ''}
</div>`
}

/** `GET /runs/:runId`. */
export async function runPage(c: Context<DashboardEnv>): Promise<Response> {
  const base = c.get('basePath')
  const runId = c.req.param('runId') ?? ''
  if (!isUlid(runId)) return c.html(page(c, 'runs', 'Run not found', banner('error', 'That is not a run id (a 26-character ULID).')), 404)
  const indexed = c.env.INNGEST_RUN_INDEX ? await findIndexedRun({ INNGEST_RUN_INDEX: c.env.INNGEST_RUN_INDEX }, runId) : null
  if (indexed?.host) {
    const body = html`${banner('notice', `This run is hosted by object "${indexed.host.name}" of binding ${indexed.host.binding}; its details are read there.`)}
<dl><dt>Function</dt><dd>${indexed.functionId}</dd><dt>Status</dt><dd>${statusBadge(indexed.status)}</dd><dt>Queued</dt><dd>${formatTime(indexed.queuedAt)}</dd></dl>`
    return c.html(page(c, 'runs', `Run ${runId}`, body))
  }
  const run = await runActorStub(c.env.INNGEST_RUNS, runId).inspect()
  if (run.status === 'Unknown') return c.html(page(c, 'runs', 'Run not found', banner('error', `No run ${runId}.`)), 404)
  // Self-healing: the index learns what the run's object says (nothing written when unchanged).
  const refresh = refreshIndexEntry(c.env, runId, run, indexed).catch((error) => console.error('inngest.do dashboard: refreshing the run index failed', error))
  try {
    c.executionCtx.waitUntil(refresh)
  } catch {
    await refresh
  }
  const context = run.snapshot!.context
  const history = deriveHistory(run)
  const now = Date.now()
  const current = run.snapshot!.value as RunState
  const started = context.startedAt ?? context.queuedAt
  const notice = c.req.query('done')
  const body = html`<div id="run" data-run-id="${runId}" data-status="${run.status}" data-ended-at="${String(context.endedAt)}">
${notice === 'cancelled' ? banner('notice', 'Cancelled.') : notice === 'rerun' ? banner('notice', 'This run is a rerun.') : notice === 'invoked' ? banner('notice', 'Invoked.') : ''}
<div class="grid">
<div class="panel"><dl>
<dt>Run</dt><dd class="mono">${runId}</dd>
<dt>Function</dt><dd>${context.functionId}</dd>
<dt>App</dt><dd>${appOf(context.functionId)}</dd>
<dt>Status</dt><dd id="run-status">${statusBadge(run.status)}</dd>
<dt>State</dt><dd id="run-state">${current}</dd>
<dt>Queued</dt><dd class="mono">${formatTime(context.queuedAt)}</dd>
<dt>Started</dt><dd class="mono">${formatTime(context.startedAt)}</dd>
<dt>Ended</dt><dd class="mono">${formatTime(context.endedAt)}</dd>
<dt>Duration</dt><dd>${context.endedAt !== null ? formatDuration(context.endedAt - started) : `${formatDuration(now - started)} so far`}</dd>
<dt>Steps</dt><dd>${run.steps.length}</dd>
</dl>${actions(c, runId, run)}</div>
<div class="panel"><h2>Output</h2>${
    context.error
      ? html`<details open class="run-error"><summary>${context.error.name}: ${context.error.message}</summary><pre>${context.error.stack ?? '(no stack)'}</pre></details>`
      : html`<pre id="run-output">${formatJson(run.output)}</pre>`
  }</div>
</div>
<h2>State machine</h2>
${stateDiagram(current, history)}
<h2>Transitions <span class="muted">(derived from the context and step times)</span></h2>
<table id="transitions"><thead><tr><th>At</th><th>From</th><th>To</th><th>Why</th></tr></thead><tbody>
${history.map((t) => html`<tr><td class="mono">${formatTime(t.at)}</td><td>${t.from ?? ''}</td><td>${t.to}</td><td>${t.reason}</td></tr>`)}
${context.timers.map((t) => html`<tr class="muted"><td class="mono">${formatTime(t.at)}</td><td>${current}</td><td>${t.kind === 'retry' ? 'running (retry)' : 'running'}</td><td>pending ${t.kind} timer of "${t.stepKey}"${t.event ? ` (event ${t.event})` : ''}</td></tr>`)}
</tbody></table>
<h2>Trigger event${run.events.length === 1 ? '' : 's'}</h2>
${run.events.map((event) => html`<details open class="trigger"><summary><a href="${base}/events/${encodeURIComponent(event.id)}">${event.name}</a> <span class="mono muted">${event.id}</span></summary><pre>${formatJson(event)}</pre></details>`)}
<h2>Timeline</h2>
${waterfall(run, now)}
<h2>Steps</h2>
<table id="steps"><thead><tr><th>Key</th><th>Kind</th><th>Status</th><th>Attempts</th><th>Started</th><th>Ended</th><th>Took</th><th>Wakes</th><th>Output / error</th></tr></thead>
<tbody>${run.steps.map(stepRow)}</tbody></table>
${run.failedEffects.length > 0 ? html`<h2>Effects given up</h2><pre>${formatJson(run.failedEffects)}</pre>` : ''}
</div>`
  return c.html(page(c, 'runs', `Run ${runId}`, body, LIVE_RUN_SCRIPT))
}
