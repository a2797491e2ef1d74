/**
 * Delivery of prepared events. Inside a worker with `INNGEST_EVENTS` bound, events go through
 * `publishEvents`: stored in the event index, then delivered. Elsewhere (Node, another platform)
 * they are posted to a deployed inngest.do's Event API with `baseUrl` and `eventKey`, as the
 * official SDK does (http-event-sender.ts).
 */
import { publishEvents, type PublishEnv, type RunEventPayload } from '../../actors/internal.js'
import type { ClientOptions } from '../client-options.js'
import { postEvents } from '../http-event-sender.js'

/** How to reach the Event API from outside a worker: the client's options. */
type Transport = Pick<ClientOptions, 'baseUrl' | 'eventKey' | 'fetch' | 'env' | 'isDev'>

async function workerEnv(): Promise<Partial<PublishEnv> | undefined> {
  if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent !== 'Cloudflare-Workers') return undefined
  const { env } = await import('cloudflare:workers')
  return env as Partial<PublishEnv>
}

/** Sends prepared events; resolves with their ids in input order once they are accepted. */
export async function sendEvents(events: readonly RunEventPayload[], transport: Transport): Promise<string[]> {
  const env = transport.baseUrl ? undefined : await workerEnv()
  if (env?.INNGEST_EVENTS) {
    if (!env.INNGEST_EVENT_INDEX) {
      throw new TypeError('inngest.send: INNGEST_EVENTS is bound but INNGEST_EVENT_INDEX is not. Fix: bind INNGEST_EVENT_INDEX to class EventIndexActor in wrangler.toml (see the README).')
    }
    return (await publishEvents(env as PublishEnv, events)).ids
  }
  if (!transport.baseUrl) {
    throw new TypeError('inngest.send: no INNGEST_EVENTS queue binding and no baseUrl. Fix: bind the queue in wrangler.toml, or pass new Inngest({ id, baseUrl, eventKey }).')
  }
  return postEvents(events, { ...transport, baseUrl: transport.baseUrl })
}
