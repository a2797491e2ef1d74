/**
 * How a finished run announces its system events (`inngest/function.finished`, `.failed`,
 * `.cancelled`): straight onto the queue, without a claim in the event index first.
 *
 * A user's event is claimed before it is queued because the claim is what makes it durable and
 * deduplicated before the sender hears "accepted". A system event needs neither: it is already
 * durable (the run's effect row, retried by the run's alarm until it is queued), and its id
 * derives from the run, so a repeat reaches the same stream entry and the same derived run ids.
 * Skipping the claim saves two index round trips per run (half of a run's cost in a fan-out,
 * BENCHMARKS.md). The queue consumer files them in the index afterwards, a batch at a time
 * (`fileAnnounced`), so `GET /v1/events` lists them as it lists every other event.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { eventIndexStub, groupByShard, type EventIndexActor } from '../event-index-actor.js'
import { queueEvents } from './queue-events.js'

/** The events runs announce about themselves. */
export const SYSTEM_EVENT_NAMES: ReadonlySet<string> = new Set(['inngest/function.finished', 'inngest/function.failed', 'inngest/function.cancelled'])

export interface AnnounceEnv {
  readonly INNGEST_EVENTS: Queue<RunEventPayload>
}

/** Queues a run's system events (ids already derived from the run). */
export function announceEvents(env: AnnounceEnv, events: readonly RunEventPayload[]): Promise<void> {
  return queueEvents(env.INNGEST_EVENTS, events)
}

/**
 * Files announced events in their index shards, one call per shard (a queue batch of 100
 * events makes at most 16). Idempotent: an id already filed is left as it is.
 */
export async function fileAnnounced(namespace: DurableObjectNamespace<EventIndexActor>, events: readonly RunEventPayload[]): Promise<void> {
  await Promise.all([...groupByShard(events)].map(([shard, batch]) => eventIndexStub(namespace, shard).file(batch)))
}
