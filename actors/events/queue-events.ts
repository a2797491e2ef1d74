/**
 * Putting events on the event queues (event-queues.ts) within Cloudflare Queues' limits: a message is at
 * most 128 KB and `sendBatch` takes at most 100 messages and 256 KB. An event small enough
 * travels whole; a larger one (events may be megabytes) travels as a claim check, `{ ref, name }`,
 * and the consumer reads it from the event index, where the claim stored it.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { queueIndexFor } from './event-queues.js'

/** An event stored in the index, sent by reference. */
export interface EventRef {
  readonly ref: string
  readonly name: string
}

/** A message body on the events queue. */
export type QueuedEvent = RunEventPayload | EventRef

/** The largest event sent whole: under the 128 KB message limit with room for its metadata. */
export const QUEUE_INLINE_BYTES = 100_000
/** Cloudflare Queues' own limit on one message. */
export const QUEUE_MESSAGE_BYTES = 128 * 1024
const BATCH_MESSAGES = 100
const BATCH_BYTES = 256_000

const utf8 = new TextEncoder()

/** Each event's JSON size in bytes. */
export function eventSizes(events: readonly RunEventPayload[]): Map<RunEventPayload, number> {
  return new Map(events.map((event) => [event, utf8.encode(JSON.stringify(event)).byteLength]))
}

/** Whether a queued body is a claim check rather than the event. */
export function isEventRef(body: QueuedEvent): body is EventRef {
  return typeof (body as Partial<EventRef>).ref === 'string'
}

/** A message to send and its size in bytes. */
export interface SizedMessage {
  readonly body: QueuedEvent
  readonly bytes: number
}

/** The claim check of a stored event. */
export function refMessage(id: string, name: string): SizedMessage {
  const body: EventRef = { ref: id, name }
  return { body, bytes: utf8.encode(JSON.stringify(body)).byteLength }
}

/** The message for `event` of `size` bytes: the event, or its claim check. */
export function messageFor(event: RunEventPayload, size: number): SizedMessage {
  return size <= QUEUE_INLINE_BYTES ? { body: event, bytes: size } : refMessage(event.id, event.name)
}

/** Splits messages into sendBatch-sized chunks, by count and by bytes. */
function queueBatches(messages: readonly SizedMessage[]): QueuedEvent[][] {
  const batches: QueuedEvent[][] = []
  let current: QueuedEvent[] = []
  let bytes = 0
  for (const message of messages) {
    if (message.bytes > QUEUE_MESSAGE_BYTES) throw new RangeError(`queueEvents: a message of ${message.bytes} bytes is over the queue's ${QUEUE_MESSAGE_BYTES}-byte limit`)
    if (current.length === BATCH_MESSAGES || (current.length > 0 && bytes + message.bytes > BATCH_BYTES)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(message.body)
    bytes += message.bytes
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/**
 * Sends `events` in order over `queues`, batch by batch, large ones by reference (so they must be
 * claimed in the index first); `sizes` from `eventSizes` (computed if left out).
 */
export async function queueEvents(queues: ReadonlyArray<Queue<QueuedEvent>>, events: readonly RunEventPayload[], sizes = eventSizes(events)): Promise<void> {
  await sendSpread(queues, events.map((event) => messageFor(event, sizes.get(event) ?? utf8.encode(JSON.stringify(event)).byteLength)))
}

/** Sends each message to the queue its event id hashes to (event-queues.ts), in order per queue. */
export async function sendSpread(queues: ReadonlyArray<Queue<QueuedEvent>>, messages: readonly SizedMessage[]): Promise<void> {
  if (queues.length === 0) throw new TypeError('inngest.do: no event queue is bound. Fix: bind INNGEST_EVENTS to a queue in wrangler.toml (see the README).')
  const perQueue = queues.map((): SizedMessage[] => [])
  for (const message of messages) perQueue[queueIndexFor(isEventRef(message.body) ? message.body.ref : message.body.id, queues.length)]!.push(message)
  await Promise.all(perQueue.map((batch, index) => (batch.length > 0 ? sendMessages(queues[index]!, batch) : undefined)))
}

/** Sends messages in order, in sendBatch-sized batches. */
async function sendMessages(queue: Queue<QueuedEvent>, messages: readonly SizedMessage[]): Promise<void> {
  for (const batch of queueBatches(messages)) {
    await queue.sendBatch(batch.map((body) => ({ body, contentType: 'json' as const })))
  }
}
