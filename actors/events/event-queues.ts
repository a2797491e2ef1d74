/**
 * Which queue a message goes to. One Cloudflare queue takes about 5,000 messages/s; past that a
 * worker binds more and the load spreads over them:
 *
 * - `INNGEST_EVENTS`, `INNGEST_EVENTS_1` … `INNGEST_EVENTS_15`: every bound one carries events,
 *   each message to the queue its event id hashes to (so a hot event name spreads too; the
 *   consumer still groups a batch's events by name, one stream call each);
 * - `INNGEST_SYSTEM_EVENTS` (and `INNGEST_SYSTEM_EVENTS_1` … `_15`), if bound, carry the runs'
 *   system events (one per finished run, the bulk of the queue traffic when publishes are small
 *   and delivered directly), apart from users', spread by event id the same way.
 *
 * Give each queue a consumer (`queue: routeEvents` serves them all); see the README.
 */
import { hashString } from '../../machines/prng.js'
import type { QueuedEvent } from './queue-events.js'

/** The bindings a worker may give the event pipeline's queues. */
export interface EventQueuesEnv {
  readonly INNGEST_EVENTS: Queue<QueuedEvent>
  readonly INNGEST_SYSTEM_EVENTS?: Queue<QueuedEvent>
}

/** How many extra queues of each kind a worker may bind (`INNGEST_EVENTS_1` … `_15`, `INNGEST_SYSTEM_EVENTS_1` … `_15`). */
const MAX_EXTRA_QUEUES = 15

function isQueue(binding: unknown): binding is Queue<QueuedEvent> {
  return typeof (binding as Partial<Queue<QueuedEvent>> | undefined)?.sendBatch === 'function'
}

/** The queues bound as `binding`, `binding_1` … `binding_15`, in that order. */
function boundQueues(env: EventQueuesEnv, binding: 'INNGEST_EVENTS' | 'INNGEST_SYSTEM_EVENTS'): Array<Queue<QueuedEvent>> {
  const names = [binding, ...Array.from({ length: MAX_EXTRA_QUEUES }, (_, i) => `${binding}_${i + 1}`)]
  return names.map((name): unknown => Reflect.get(env, name)).filter(isQueue)
}

/** The event queues bound in `env`, `INNGEST_EVENTS` first; for system events, the `INNGEST_SYSTEM_EVENTS` ones when bound. */
export function eventQueues(env: EventQueuesEnv, kind: 'events' | 'system' = 'events'): Array<Queue<QueuedEvent>> {
  const system = kind === 'system' ? boundQueues(env, 'INNGEST_SYSTEM_EVENTS') : []
  return system.length > 0 ? system : boundQueues(env, 'INNGEST_EVENTS')
}

/** The queue of `queues` that the message for event `id` goes to. */
export function queueIndexFor(id: string, queues: number): number {
  return queues <= 1 ? 0 : hashString(id) % queues
}
