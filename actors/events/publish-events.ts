/**
 * The one way events enter the system (`POST /e/:key`, `inngest.send` in a worker,
 * `step.sendEvent`, a run's system events): claim them in the event index, which stores them
 * durably and puts them in its outbox, then deliver the new ones. A small publish is delivered
 * right here, without a queue batch window between the event and its run; a large one (and the
 * system events runs announce) through the queue, whose consumer batches the work. Either way
 * the event is marked routed only once delivered, and the index shard's alarm re-drives it
 * through the queue if that never happens (a crash, a lost message). See README.md beside this file.
 */
import { waitUntil } from 'cloudflare:workers'
import type { RunEventPayload } from '../engine/executor.js'
import { claimInShards, markRoutedInShards, type EventIndexEnv } from '../event-index-stub.js'
import { deliverEvents, type DeliverEnv } from './deliver-events.js'
import { maxEventBytes } from './prepare-events.js'
import { eventQueues, type EventQueuesEnv } from './event-queues.js'
import { eventSizes, queueEvents } from './queue-events.js'

/** The bindings publishing needs. */
export interface PublishEnv extends DeliverEnv, EventQueuesEnv, EventIndexEnv {
  /** Largest event in bytes (default 3 MiB). */
  readonly INNGEST_MAX_EVENT_BYTES?: string
  /** Hours the event index keeps events (default 168, 7 days). */
  readonly INNGEST_EVENT_RETENTION_HOURS?: string
}

/** How the accepted events reach their runs. */
export interface PublishOptions {
  /**
   * `direct`: delivered by this caller right after the claim (the default up to
   * `DIRECT_DELIVERY_MAX` events); `queue`: by the queue consumer, in batches.
   */
  readonly via?: 'direct' | 'queue'
  /**
   * The largest event accepted, in bytes; default `INNGEST_MAX_EVENT_BYTES` (3 MiB). A run's
   * system events carry its trigger and output and pass `Infinity`: its lifecycle must finish.
   */
  readonly maxBytes?: number
  /** With `via: 'queue'`: the runs' system events go to `INNGEST_SYSTEM_EVENTS` when it is bound. */
  readonly system?: boolean
}

/** What a publish did: every id in input order, the events that were new, and their delivery. */
export interface PublishResult {
  readonly ids: string[]
  readonly accepted: RunEventPayload[]
  /**
   * Settles once a direct delivery finished (at once for `queue`). It never rejects: what failed
   * is re-driven by the outbox. Already kept alive with `waitUntil`; await it only to observe it.
   */
  readonly delivered: Promise<void>
}

/** The most events one publish delivers itself; more go through the queue, whose consumers share the work. */
export const DIRECT_DELIVERY_MAX = 100
/** How long a direct delivery may take before the outbox re-drives its events. */
export const DIRECT_LEASE_MS = 5_000
/** How long a queued event may wait for its consumer before the outbox re-drives it. */
export const QUEUE_LEASE_MS = 15_000

/**
 * Claims `events` (already prepared: ids and ts set) in their index shards, in parallel, then
 * delivers the new ones (directly or through the queue, see `PublishOptions`). Resolves once
 * every new event is stored (and queued, for `queue`); rejects if that fails. An event stored
 * before the failure is a duplicate for a retry of its id, and its shard's outbox delivers it.
 * @throws RangeError for an event over the size limit, before anything is stored
 * @throws TypeError when a shard count (`INNGEST_EVENT_INDEX_SHARDS`, `_PREVIOUS`) is not a positive integer, before anything is stored
 * @example
 * ```ts
 * const { ids } = await publishEvents(env, prepareEvents(body, Date.now()).events)
 * ```
 */
export async function publishEvents(env: PublishEnv, events: readonly RunEventPayload[], options: PublishOptions = {}): Promise<PublishResult> {
  const ids = events.map((event) => event.id)
  const sizes = eventSizes(events)
  const limit = options.maxBytes ?? maxEventBytes(env.INNGEST_MAX_EVENT_BYTES)
  for (const [event, size] of sizes) {
    if (size > limit) throw new RangeError(`publishEvents: event ${event.id} is ${size} bytes; one event can be at most ${limit} (INNGEST_MAX_EVENT_BYTES)`)
  }
  const via = options.via ?? (events.length <= DIRECT_DELIVERY_MAX ? 'direct' : 'queue')
  const leaseMs = via === 'direct' ? DIRECT_LEASE_MS : QUEUE_LEASE_MS
  const fresh = new Set(await claimInShards(env, events, leaseMs))
  // The first event of each fresh id, in input order (a batch may repeat an id).
  const accepted = events.filter((event) => fresh.delete(event.id))
  if (via === 'queue') {
    await queueEvents(eventQueues(env, options.system ? 'system' : 'events'), accepted, sizes)
    return { ids, accepted, delivered: Promise.resolve() }
  }
  const delivered = deliverAndMark(env, accepted, (event) => sizes.get(event) ?? 0)
  waitUntil(delivered)
  return { ids, accepted, delivered }
}

/** Delivers events and marks the delivered ones routed; the rest stay due in the outbox. */
export async function deliverAndMark(env: PublishEnv, events: readonly RunEventPayload[], sizeOf: (event: RunEventPayload) => number): Promise<void> {
  if (events.length === 0) return
  const failures = await deliverEvents(events, env, sizeOf)
  const routed = events.filter((event, index) => {
    if (failures[index] === undefined) return true
    console.error(`inngest.do: could not deliver event ${event.id} (${event.name}); the outbox re-drives it:`, failures[index])
    return false
  })
  await markRoutedInShards(env, routed.map((event) => event.id)).catch((error: unknown) =>
    // Unmarked, an event is re-driven once more, which starts nothing new (run ids derive from it).
    console.error('inngest.do: could not mark events routed:', error),
  )
}
