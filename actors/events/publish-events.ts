/**
 * The one way events enter the system (`POST /e/:key`, `inngest.send` in a worker,
 * `step.sendEvent`): claim them in the event index, then queue the new ones for routing.
 * Claiming first means an event is stored before the caller hears "accepted"; queueing only
 * the claimed ones is the 24-hour dedupe. See README.md beside this file for the crash window.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { eventIndexStub, groupByShard, type EventIndexActor } from '../event-index-actor.js'
import { eventSizes, queueEvents } from './queue-events.js'

/** The bindings publishing needs. */
export interface PublishEnv {
  readonly INNGEST_EVENT_INDEX: DurableObjectNamespace<EventIndexActor>
  readonly INNGEST_EVENTS: Queue<RunEventPayload>
}

/** What a publish did: every id in input order, and the events that were new (and queued). */
export interface PublishResult {
  readonly ids: string[]
  readonly accepted: RunEventPayload[]
}

/**
 * Claims `events` (already prepared: ids and ts set) in their index shards, in parallel, then
 * queues the new ones and marks them routed. Resolves once every new event is stored and queued;
 * rejects if either fails, and a retry of the same ids then queues what was not queued.
 * @example
 * ```ts
 * const { ids } = await publishEvents(env, prepareEvents(body, Date.now()).events)
 * ```
 */
export async function publishEvents(env: PublishEnv, events: readonly RunEventPayload[]): Promise<PublishResult> {
  const ids = events.map((event) => event.id)
  // Sizes first: an event the queue would refuse must not be claimed.
  const sizes = eventSizes(events)
  const claims = await Promise.all([...groupByShard(events)].map(async ([shard, batch]) => ({ shard, ids: await eventIndexStub(env.INNGEST_EVENT_INDEX, shard).claim(batch) })))
  const fresh = new Set(claims.flatMap((claim) => claim.ids))
  // The first event of each fresh id, in input order (a batch may repeat an id).
  const accepted = events.filter((event) => fresh.delete(event.id))
  await queueEvents(env.INNGEST_EVENTS, accepted, sizes)
  // The events are stored and queued: the caller's guarantees hold. Failing to mark them only
  // means a resend within 24 h is queued again, which starts no new run (run ids derive from
  // the event id), so it is logged, not thrown.
  await Promise.all(
    claims
      .filter((claim) => claim.ids.length > 0)
      .map((claim) => eventIndexStub(env.INNGEST_EVENT_INDEX, claim.shard).markRouted(claim.ids)),
  ).catch((error: unknown) => console.error('inngest.do: could not mark events routed:', error))
  return { ids, accepted }
}
