/**
 * The record of a verified delivery that could not become events (a body that does not parse, a
 * transform that throws or returns something invalid): an internal event,
 * `inngest/webhook.failed`, carrying the raw body, so nothing a provider sent is lost. It is
 * listed by `GET /v1/events?name=inngest/webhook.failed`, and a function may trigger on it to
 * alert. Pure: the id and clock come in.
 */
import type { RunEventPayload } from '../../actors/internal.js'

/** The name of a failed delivery's record. */
export const WEBHOOK_FAILED_EVENT = 'inngest/webhook.failed'

/** The data of an `inngest/webhook.failed` event. */
export interface WebhookFailedData {
  /** The webhook's id. */
  readonly webhook: string
  /** The status the sender got: 400 (body) or 422 (transform). */
  readonly status: number
  readonly error: string
  readonly field: string
  /** The body as received, as text. */
  readonly body: string
  /** `content-type`, `user-agent` and the scheme's id, event and timestamp headers; never a signature. */
  readonly headers: Record<string, string>
  readonly query: Record<string, string>
  /** The provider's delivery id, when it sent one. */
  readonly delivery_id?: string
}

/** Headers every failure record keeps when present, besides the scheme's own. */
const ALWAYS_RECORDED = ['content-type', 'user-agent']

/** The safe subset of `headers` a failure record keeps, under lower-case names. */
export function recordedHeaders(headers: Headers, schemeHeaders: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of [...ALWAYS_RECORDED, ...schemeHeaders]) {
    const value = headers.get(name)
    if (value !== null) kept[name.toLowerCase()] = value
  }
  return kept
}

/** The `inngest/webhook.failed` event for a failed delivery. */
export function webhookFailedEvent(data: WebhookFailedData, id: string, nowMs: number): RunEventPayload {
  return { name: WEBHOOK_FAILED_EVENT, id, ts: nowMs, data: { ...data }, user: {} }
}
