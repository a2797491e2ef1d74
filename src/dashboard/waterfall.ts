/**
 * The step timeline as a waterfall, an inline SVG drawn on the server: one row per step from
 * its start to its end; a sleep or a wait is a dashed gap (with its reason) rather than a bar,
 * since the run holds no compute while it lasts. Attributes only (no inline styles): the CSP
 * allows none.
 */
import { html } from 'hono/html'
import type { RunInspection, StepTimelineEntry } from '../../actors/internal.js'
import { formatDuration } from './format.js'
import type { Markup } from './layout.js'

const LABEL_W = 220
const CHART_W = 640
const ROW_H = 18

const isGap = (step: StepTimelineEntry) => step.kind === 'sleep' || step.kind === 'wait' || step.kind === 'invoke'

function gapReason(step: StepTimelineEntry): string {
  const kind = step.kind === 'sleep' ? 'sleep' : step.kind === 'wait' ? 'wait for event' : 'invoke'
  return `${kind} "${step.id}"${step.endedAt === null && step.wakeAt ? ` until ${new Date(step.wakeAt).toISOString()}` : ''}`
}

/** The waterfall of `run`'s steps, `now` closing the open ones. */
export function waterfall(run: RunInspection, now: number): Markup {
  const context = run.snapshot?.context
  const steps = run.steps.filter((step) => step.startedAt !== null)
  if (!context || steps.length === 0) return html`<p class="muted">No steps yet.</p>`
  const start = context.startedAt ?? context.queuedAt
  const endOf = (step: StepTimelineEntry) => step.endedAt ?? (isGap(step) && step.wakeAt ? Math.min(step.wakeAt, now) : now)
  const end = Math.max(context.endedAt ?? 0, ...steps.map(endOf), start + 1)
  const scale = CHART_W / (end - start)
  const x = (ms: number) => LABEL_W + Math.max(0, (ms - start) * scale)
  const height = steps.length * ROW_H + 24
  return html`<svg id="waterfall" role="img" aria-label="step waterfall" viewBox="0 0 ${LABEL_W + CHART_W + 90} ${height}" width="${LABEL_W + CHART_W + 90}" height="${height}">
<line class="axis" x1="${LABEL_W}" y1="0" x2="${LABEL_W}" y2="${height - 20}"/>
<text x="${LABEL_W}" y="${height - 6}">0</text><text x="${LABEL_W + CHART_W}" y="${height - 6}" text-anchor="end">${formatDuration(end - start)}</text>
${steps.map((step, row) => {
  const y = row * ROW_H + 2
  const x1 = x(step.startedAt!)
  const w = Math.max(2, x(endOf(step)) - x1)
  const took = formatDuration(endOf(step) - step.startedAt!)
  const label = step.id.length > 30 ? `${step.id.slice(0, 29)}…` : step.id
  return html`<g data-step="${step.key}"><title>${step.key}: ${step.kind}, ${step.status}, ${took}${step.attempts > 0 ? `, ${step.attempts} failed attempt${step.attempts === 1 ? '' : 's'}` : ''}${isGap(step) ? `; ${gapReason(step)}` : ''}</title>
<text x="4" y="${y + 12}">${label}</text>${
    isGap(step)
      ? html`<rect class="gap" x="${x1}" y="${y + 3}" width="${w}" height="${ROW_H - 6}"/><text x="${x1 + w + 4}" y="${y + 12}" class="muted">${gapReason(step)}</text>`
      : html`<rect class="bar-${step.status}" x="${x1}" y="${y + 2}" width="${w}" height="${ROW_H - 4}" rx="2"/><text x="${x1 + w + 4}" y="${y + 12}">${took}${step.attempts > 0 ? ` ×${step.attempts + 1}` : ''}</text>`
  }</g>`
})}
</svg>`
}
