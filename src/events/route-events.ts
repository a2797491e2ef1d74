/**
 * The queue consumer. The queue carries what publishers do not deliver themselves: large
 * publishes, runs' system events and the outbox's re-drives (actors/events/README.md). Each
 * batch is delivered as a publisher would (actors/events/deliver-events.ts: one stream call per
 * event name, then runs, waits and cancellations), large events read back from the event index
 * by their claim check one at a time, and the delivered ones are marked routed in the index.
 * Delivery is at least once and every part is idempotent (run ids derive from the event id; the
 * stream answers a redelivered event as it did the first time).
 */
import {
  deliverEvents,
  findStoredEvent,
  isEventRef,
  markRoutedInShards,
  namedBy,
  QUEUE_MESSAGE_BYTES,
  registeredFunctions,
  startRunsFor,
  type EventRef,
  type QueuedEvent,
  type RunEventPayload,
} from '../../actors/internal.js'
import type { InngestEnv } from '../env.js'
import { armSchedulesQuietly } from './arm-schedules.js'

export { startRunsFor }

/** The composite ids of functions with a trigger naming `eventName` (before `if` filtering). */
export function functionsFor(eventName: string): string[] {
  return registeredFunctions()
    .filter(([, fn]) => namedBy(fn.options.triggers, eventName))
    .map(([id]) => id)
}

/** Delivers one event now (tests and tools); rejects if any part of it failed. */
export async function routeEvent(event: RunEventPayload, env: InngestEnv): Promise<void> {
  const [failure] = await deliverEvents([event], env, () => 0)
  if (failure !== undefined) throw failure
}

/** Whether a queued body is something routing can use; anything else could never be routed. */
function isRoutable(body: unknown): body is QueuedEvent {
  if (typeof body !== 'object' || body === null) return false
  if (isEventRef(body as QueuedEvent)) return typeof (body as EventRef).name === 'string'
  const { name, id, ts } = body as Partial<RunEventPayload>
  return typeof name === 'string' && name !== '' && typeof id === 'string' && id !== '' && typeof ts === 'number'
}

type EventMessage = Message<RunEventPayload>

/** Delivers whole events together; returns the ids delivered, acking those and retrying the rest. */
async function deliverInline(messages: readonly EventMessage[], env: InngestEnv): Promise<string[]> {
  if (messages.length === 0) return []
  const failures = await deliverEvents(
    messages.map((message) => message.body),
    env,
    () => QUEUE_MESSAGE_BYTES, // a whole event on the queue is at most one message
  )
  return messages.flatMap((message, index) => settle(message, failures[index]))
}

/**
 * Delivers claim checks one at a time: each reads a possibly large event from the index, and an
 * isolate has 128 MB. A ref whose event is gone (expired) has nothing left to deliver.
 */
async function deliverRefs(messages: readonly Message<EventRef>[], env: InngestEnv): Promise<string[]> {
  const delivered: string[] = []
  for (const message of messages) {
    const { ref } = message.body
    try {
      const stored = await findStoredEvent(env, ref)
      if (!stored) {
        console.error(`inngest.do: queued event ${ref} is no longer in the event index; nothing to deliver`)
        message.ack()
        continue
      }
      const [failure] = await deliverEvents([stored.event], env, () => 0)
      delivered.push(...settle(message, failure))
    } catch (error) {
      delivered.push(...settle(message, error))
    }
  }
  return delivered
}

/** Acks a delivered message (returning its id to mark routed) or retries it. */
function settle(message: Message<QueuedEvent>, failure: unknown): string[] {
  const id = isEventRef(message.body) ? message.body.ref : message.body.id
  if (failure === undefined) {
    message.ack()
    return [id]
  }
  console.error(`inngest.do: could not route event ${id}:`, failure)
  message.retry()
  return []
}

/**
 * The worker's `queue` handler: `export default { fetch: app.fetch, queue: routeEvents }`. A
 * message that could not be routed is retried, then dead-lettered (see wrangler.toml); the
 * event stays in the index's outbox, which re-drives it later.
 */
export async function routeEvents(batch: MessageBatch<QueuedEvent>, env: InngestEnv): Promise<void> {
  const inline: EventMessage[] = []
  const refs: Message<EventRef>[] = []
  for (const message of batch.messages) {
    if (!isRoutable(message.body)) {
      console.error(`inngest.do: message ${message.id} holds no event (needs name, id and ts, or a ref); retrying towards the dead-letter queue`)
      message.retry()
    } else if (isEventRef(message.body)) refs.push(message as Message<EventRef>)
    else inline.push(message as EventMessage)
  }
  const [, fromInline, fromRefs] = await Promise.all([
    armSchedulesQuietly(env), // once per isolate: cron schedules need no event to start
    deliverInline(inline, env),
    deliverRefs(refs, env),
  ])
  await markRoutedInShards(env, [...fromInline, ...fromRefs]).catch((error: unknown) =>
    console.error('inngest.do: could not mark events routed (the outbox will re-drive them, harmlessly):', error),
  )
}
