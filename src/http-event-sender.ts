/**
 * Sending over HTTP from outside Cloudflare with the client's own options: its `fetch`, its
 * `env` (the `x-inngest-env` header) and `isDev` (whether an event key is required), as the
 * official SDK posts `/e/:eventKey`.
 */
import type { RunEventPayload } from '../actors/internal.js'
import type { ClientOptions } from './client-options.js'

/** The key the official SDK sends in dev mode when it has none. */
const DEV_EVENT_KEY = 'NO_EVENT_KEY_SET'

type HttpOptions = Pick<ClientOptions, 'baseUrl' | 'eventKey' | 'fetch' | 'env' | 'isDev'> & { baseUrl: string }

/** Posts prepared events to `baseUrl`; resolves with their ids in input order. */
export async function postEvents(events: readonly RunEventPayload[], options: HttpOptions): Promise<string[]> {
  if (options.isDev === false && !options.eventKey) {
    throw new TypeError('inngest.send: isDev is false and no eventKey is set. Fix: pass new Inngest({ id, eventKey }), or isDev: true to send without one.')
  }
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`
  const url = new URL(`e/${encodeURIComponent(options.eventKey ?? DEV_EVENT_KEY)}`, base)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.env) headers['x-inngest-env'] = options.env
  const send = options.fetch ?? fetch
  // The events carry their ids, so a retry of this request is deduplicated by the server.
  const response = await send(url, { method: 'POST', headers, body: JSON.stringify(events) })
  const text = await response.text()
  let body: { ids?: string[]; status?: number } | undefined
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    body = undefined
  }
  if (!response.ok || body?.status !== 200) throw new Error(`inngest.send: ${url.origin} answered ${response.status}: ${text}`)
  return body.ids ?? events.map((event) => event.id)
}

/**
 * Posts a signal to `baseUrl`'s `POST /v1/signals`, as the official SDK's `sendSignal` does,
 * with the signing key as its Bearer token when the client has one (dev mode needs none).
 * @returns the run that received it, or `runId: undefined` when none waits (404)
 */
export async function postSignal(signal: string, data: unknown, options: HttpOptions & Pick<ClientOptions, 'signingKey'>): Promise<{ runId: string | undefined }> {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`
  const url = new URL('v1/signals', base)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.signingKey) headers.authorization = `Bearer ${options.signingKey}`
  if (options.env) headers['x-inngest-env'] = options.env
  const response = await (options.fetch ?? fetch)(url, { method: 'POST', headers, body: JSON.stringify({ signal, data }) })
  const text = await response.text()
  if (response.status === 404) return { runId: undefined }
  const runId = response.ok ? (JSON.parse(text) as { data?: { run_id?: string } }).data?.run_id : undefined
  if (!runId) throw new Error(`inngest.sendSignal: ${url.origin} answered ${response.status}: ${text}`)
  return { runId }
}
