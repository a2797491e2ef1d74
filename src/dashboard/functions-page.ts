/**
 * The functions view: every registered function with its triggers (event and `if`, cron with
 * its next ticks in its own time zone), flow control, retries and cancellation; and "invoke"
 * with JSON data, which starts a run of that function alone.
 */
import type { Context } from 'hono'
import { html } from 'hono/html'
import { registeredFunctions, type RunnableFunction } from '../../actors/internal.js'
import { parseCron } from '../../actors/engine/cron.js'
import { invokeFunction } from './actions.js'
import type { DashboardEnv } from './dashboard-env.js'
import { formatJson } from './format.js'
import { banner, csrfField, page, type Markup } from './layout.js'
import { FORMS_SCRIPT } from './live-script.js'
import { appOf } from './run-entries.js'

const NEXT_TICKS = 3

/** The next ticks of `expression` after `now`, written in the schedule's zone. */
function nextTicks(expression: string, now: number): Markup {
  try {
    const schedule = parseCron(expression, 'cron')
    const zoned = new Intl.DateTimeFormat('en-GB', { timeZone: schedule.timeZone, dateStyle: 'medium', timeStyle: 'long' })
    const ticks: number[] = []
    for (let at = now; ticks.length < NEXT_TICKS; ) ticks.push((at = schedule.nextAfter(at)))
    return html`<ul class="ticks">${ticks.map((tick) => html`<li><time datetime="${new Date(tick).toISOString()}">${zoned.format(tick)}</time> <span class="muted">(${schedule.timeZone})</span></li>`)}</ul>`
  } catch (error) {
    return html`<span class="error-text">${error instanceof Error ? error.message : String(error)}</span>`
  }
}

function triggers(fn: RunnableFunction, now: number): Markup {
  return html`<ul>${fn.options.triggers.map((trigger) =>
    'cron' in trigger
      ? html`<li>cron <code>${trigger.cron}</code>${nextTicks(trigger.cron, now)}</li>`
      : html`<li>event <code>${trigger.event}</code>${trigger.if ? html` if <code>${trigger.if}</code>` : ''}</li>`,
  )}</ul>`
}

function flowControl(fn: RunnableFunction): Markup {
  const { concurrency = [], ...rest } = fn.options.flow ?? { concurrency: [] }
  const shown = { ...(concurrency.length > 0 ? { concurrency } : {}), ...rest }
  return Object.keys(shown).length === 0 ? html`<span class="muted">none</span>` : html`<pre>${formatJson(shown)}</pre>`
}

function functionCard(c: Context<DashboardEnv>, id: string, fn: RunnableFunction, now: number): Markup {
  const { retry, cancelOn, limits } = fn.options
  return html`<section class="panel function" data-function-id="${id}">
<h2>${fn.options.name || fn.options.id} <span class="mono muted">${id}</span></h2>
<dl><dt>App</dt><dd>${appOf(id)}</dd>
<dt>Triggers</dt><dd>${triggers(fn, now)}</dd>
<dt>Retries</dt><dd>${retry.attempts - 1} (${retry.backoff} backoff from ${retry.initialDelayMs} ms, at most ${retry.maxDelayMs} ms)</dd>
<dt>Flow control</dt><dd>${flowControl(fn)}</dd>
<dt>Cancel on</dt><dd>${cancelOn && cancelOn.length > 0 ? html`<pre>${formatJson(cancelOn)}</pre>` : html`<span class="muted">none</span>`}</dd>
<dt>Limits</dt><dd>${limits.maxSteps} steps, ${limits.maxStepOutputBytes} bytes per step output</dd></dl>
<details><summary>Invoke…</summary>
<form method="post" action="${c.get('basePath')}/functions/${encodeURIComponent(id)}/invoke" data-json="data">${csrfField(c)}
<label>Data (JSON object) <textarea name="data" spellcheck="false">{}</textarea></label>
<p class="json-problem muted" aria-live="polite"></p><button>Invoke</button></form></details>
</section>`
}

/** `GET /functions`. */
export function functionsPage(c: Context<DashboardEnv>, problem?: string): Response | Promise<Response> {
  const now = Date.now()
  const functions = registeredFunctions().sort(([a], [b]) => (a < b ? -1 : 1))
  const body = html`${problem ? banner('error', problem) : ''}${functions.length === 0 ? html`<p class="muted">No functions registered.</p>` : ''}
<div class="grid">${functions.map(([id, fn]) => functionCard(c, id, fn, now))}</div>`
  return c.html(page(c, 'functions', 'Functions', body, FORMS_SCRIPT), problem ? 400 : 200)
}

/** `POST /functions/:functionId/invoke`: starts a run with the form's data. */
export async function invoke(c: Context<DashboardEnv>): Promise<Response> {
  const functionId = c.req.param('functionId') ?? ''
  let data: unknown
  try {
    data = JSON.parse(String((await c.req.parseBody()).data ?? ''))
  } catch {
    return functionsPage(c, 'Invoke: the data is not valid JSON.')
  }
  const started = await invokeFunction(c.env, functionId, data)
  if (!started.ok) return functionsPage(c, `Invoke: ${started.problem}`)
  return c.redirect(`${c.get('basePath')}/runs/${started.value}?done=invoked`, 303)
}
