/**
 * Delivery of prepared events. Inside a worker with the `INNGEST_EVENTS` queue bound, events
 * go straight onto the queue; elsewhere (Node, another platform) they are posted to a deployed
 * inngest.do's Event API with `baseUrl` and `eventKey`, as the official SDK does.
 */
import type { RunEventPayload } from '../../actors/index.js'

interface Transport {
  readonly baseUrl?: string
  readonly eventKey?: string
}

/** Cloudflare's queue limit for one sendBatch. */
const QUEUE_BATCH = 100

async function workerQueue(): Promise<Queue<RunEventPayload> | undefined> {
  if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent !== 'Cloudflare-Workers') return undefined
  const { env } = await import('cloudflare:workers')
  return (env as { INNGEST_EVENTS?: Queue<RunEventPayload> }).INNGEST_EVENTS
}

export async function sendEvents(events: readonly RunEventPayload[], transport: Transport): Promise<void> {
  const queue = transport.baseUrl ? undefined : await workerQueue()
  if (queue) {
    for (let i = 0; i < events.length; i += QUEUE_BATCH) {
      await queue.sendBatch(events.slice(i, i + QUEUE_BATCH).map((body) => ({ body, contentType: 'json' as const })))
    }
    return
  }
  if (!transport.baseUrl) {
    throw new TypeError('inngest.send: no INNGEST_EVENTS queue binding and no baseUrl. Fix: bind the queue in wrangler.toml, or pass new Inngest({ id, baseUrl, eventKey }).')
  }
  const url = new URL(`e/${encodeURIComponent(transport.eventKey ?? 'NO_EVENT_KEY_SET')}`, transport.baseUrl.endsWith('/') ? transport.baseUrl : `${transport.baseUrl}/`)
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) })
  if (!response.ok) throw new Error(`inngest.send: ${url.origin} answered ${response.status}: ${await response.text()}`)
}
