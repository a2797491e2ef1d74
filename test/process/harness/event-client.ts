/**
 * The test's HTTP client: sends events one per request, as webhooks arrive, and reads an event's
 * runs back through the REST API (dev mode: no keys).
 */

/** What the test sends: `tag` names the event, `n` feeds the expected output. */
export interface PlannedEvent {
  readonly tag: string
  readonly n: number
}

/** One event's intake: acknowledged only by a 200 carrying its id. */
export interface SentEvent extends PlannedEvent {
  /** The wrangler dev lifetime it was sent to. */
  readonly life: number
  readonly id: string | null
  /** Why it was not acknowledged (connection reset, status …); null when it was. */
  readonly failure: string | null
}

/** Inngest's run resource, the fields the test reads. */
export interface RunResource {
  readonly run_id: string
  readonly status: string
  readonly output: unknown
}

export const EVENT_NAME = 'crash/test'
const REQUEST_TIMEOUT_MS = 20_000

async function sendOne(url: string, life: number, event: PlannedEvent, name: string): Promise<SentEvent> {
  try {
    const response = await fetch(`${url}/e/dev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, data: event }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const text = await response.text()
    const body = JSON.parse(text) as { ids?: unknown; status?: unknown }
    const id = Array.isArray(body.ids) && typeof body.ids[0] === 'string' ? body.ids[0] : null
    if (response.status === 200 && body.status === 200 && id) return { ...event, life, id, failure: null }
    return { ...event, life, id: null, failure: `HTTP ${response.status}: ${text.slice(0, 200)}` }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    return { ...event, life, id: null, failure: `${(error as Error).message}${cause ? ` (${cause})` : ''}` }
  }
}

export interface SendOptions {
  /** Requests in flight at once. */
  readonly concurrency: number
  /** Called after each acknowledgement with the count so far (the test kills from here). */
  readonly onAcknowledged?: (acknowledged: number) => void
  /** Once true, no further request starts; events not sent are left out of the result. */
  readonly stopped?: () => boolean
  /** The events' name; EVENT_NAME (crash-flow's trigger) by default. */
  readonly name?: string
}

/** Sends each event in its own request, `concurrency` at a time. */
export async function sendEvents(url: string, life: number, events: readonly PlannedEvent[], options: SendOptions): Promise<SentEvent[]> {
  const results: SentEvent[] = []
  let next = 0
  let acknowledged = 0
  const worker = async () => {
    while (next < events.length && !options.stopped?.()) {
      const sent = await sendOne(url, life, events[next++]!, options.name ?? EVENT_NAME)
      results.push(sent)
      if (sent.id) options.onAcknowledged?.(++acknowledged)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  return results
}

/** `GET /v1/events/:id/runs`, or a string saying why it could not be read. */
export async function runsOf(url: string, eventId: string): Promise<RunResource[] | string> {
  try {
    const response = await fetch(`${url}/v1/events/${eventId}/runs`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    if (!response.ok) return `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`
    return ((await response.json()) as { data: RunResource[] }).data
  } catch (error) {
    return (error as Error).message
  }
}

/** Runs `task` over `items`, `concurrency` at a time, results in input order. */
export async function mapPool<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return results
}
