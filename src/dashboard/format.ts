/** How the dashboard writes times, durations, statuses and JSON. Plain text: the templates escape it. */
import { html } from 'hono/html'
import type { Markup } from './layout.js'

/** `2026-12-06 07:11:38.123Z`, or an em dash for none. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  return new Date(ms).toISOString().replace('T', ' ')
}

/** `850 ms`, `12.4 s`, `3 m 20 s`, `2 h 5 m`, `3 d 4 h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  const s = Math.floor(ms / 1_000)
  if (s < 3_600) return `${Math.floor(s / 60)} m ${s % 60} s`
  if (s < 86_400) return `${Math.floor(s / 3_600)} h ${Math.floor((s % 3_600) / 60)} m`
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3_600)} h`
}

/** The most characters of JSON one value shows; the rest is cut with a note. */
const MAX_JSON_CHARS = 64 * 1024

/** `value` as indented JSON text, cut at 64 KiB. */
export function formatJson(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value, null, 2) ?? 'undefined'
  } catch (error) {
    text = `(not JSON: ${error instanceof Error ? error.message : String(error)})`
  }
  return text.length > MAX_JSON_CHARS ? `${text.slice(0, MAX_JSON_CHARS)}\n… (${text.length - MAX_JSON_CHARS} more characters)` : text
}

/** A status pill; the class names only known statuses (anything else shows as Unknown). */
export function statusBadge(status: string): Markup {
  const known = ['Scheduled', 'Running', 'Completed', 'Failed', 'Cancelled', 'Skipped'].includes(status) ? status : 'Unknown'
  return html`<span class="status s-${known}" data-status="${status}">${status}</span>`
}

/** Epoch ms from a form's time field: ISO 8601, or `YYYY-MM-DDTHH:mm` read as UTC; undefined when empty or invalid. */
export function parseTimeField(text: string | undefined): number | undefined {
  if (!text) return undefined
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`
  const ms = Date.parse(withZone)
  return Number.isFinite(ms) ? ms : undefined
}

/** `ms` as the value of a UTC time field (`YYYY-MM-DDTHH:mm:ss`). */
export function timeFieldValue(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().slice(0, 19)
}
