/**
 * Putting events on the `INNGEST_EVENTS` queue within Cloudflare Queues' limits: `sendBatch`
 * takes at most 100 messages and 256 KB, and one event may be at most `MAX_EVENT_BYTES`.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { MAX_EVENT_BYTES } from './prepare-events.js'

const BATCH_MESSAGES = 100
const BATCH_BYTES = 256_000

const utf8 = new TextEncoder()

/** Each event's JSON size; throws for an event the queue would refuse, before anything is sent. */
export function eventSizes(events: readonly RunEventPayload[]): Map<RunEventPayload, number> {
  return new Map(
    events.map((event) => {
      const size = utf8.encode(JSON.stringify(event)).byteLength
      if (size > MAX_EVENT_BYTES) throw new RangeError(`publishEvents: event ${event.id} is ${size} bytes; one event can be at most ${MAX_EVENT_BYTES}`)
      return [event, size]
    }),
  )
}

/** Splits events into sendBatch-sized chunks, by count and by bytes. */
function queueBatches(events: readonly RunEventPayload[], sizes: ReadonlyMap<RunEventPayload, number>): RunEventPayload[][] {
  const batches: RunEventPayload[][] = []
  let current: RunEventPayload[] = []
  let bytes = 0
  for (const event of events) {
    const size = sizes.get(event) ?? 0
    if (current.length === BATCH_MESSAGES || (current.length > 0 && bytes + size > BATCH_BYTES)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(event)
    bytes += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/** Sends `events` in order, batch by batch; `sizes` from `eventSizes` (computed if left out). */
export async function queueEvents(queue: Queue<RunEventPayload>, events: readonly RunEventPayload[], sizes = eventSizes(events)): Promise<void> {
  for (const batch of queueBatches(events, sizes)) {
    await queue.sendBatch(batch.map((body) => ({ body, contentType: 'json' as const })))
  }
}
