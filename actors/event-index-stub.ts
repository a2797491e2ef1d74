/**
 * How callers reach the event index (event-index-actor.ts): the stub of one shard, and claims,
 * marks and lookups spread over the shards. Imports only types of the actor, so the event
 * pipeline the actor's outbox calls does not import the actor's module.
 */
import type { RunEventPayload } from './engine/executor.js'
import type { EventIndexActor } from './event-index-actor.js'
import { groupByShard, homeShard, indexShards, listedShards, lookupShards, previousShard, type IndexShards, type IndexShardsEnv } from './events/index-shards.js'
import type { Remote } from './remote.js'
import type { RecentEventsQuery, StoredEvent } from './storage/event-index-store.js'

/** What addressing the index takes: its namespace and the shard counts. */
export interface EventIndexEnv extends IndexShardsEnv {
  readonly INNGEST_EVENT_INDEX: DurableObjectNamespace<EventIndexActor>
}

/** The index actor's RPC surface as callers see it (results are structured clones). */
export type EventIndexRpc = Remote<EventIndexActor, 'claim' | 'storedAmong' | 'markRouted' | 'file' | 'get' | 'recent'>

/** The stub of index shard `shard` (Durable Object `events:<shard>`). */
export function eventIndexStub(namespace: DurableObjectNamespace<EventIndexActor>, shard: number): EventIndexRpc {
  return namespace.get(namespace.idFromName(`events:${shard}`))
}

/**
 * Claims `events` in their shards under the current count, one call per shard in parallel, each
 * due for delivery within `leaseMs`; returns the ids claimed. While the count changes, an id the
 * previous count's shard holds in the dedupe window is a duplicate too: those shards are asked
 * first (one `storedAmong` per shard). Not atomic across the two versions of a rollout: a worker
 * still on the old count claims in the old shard without looking in the new one, so an id sent
 * to both versions at once (or to the old one after the new one took it) is accepted by each.
 */
export async function claimInShards(env: EventIndexEnv, events: readonly RunEventPayload[], leaseMs: number): Promise<string[]> {
  const shards = indexShards(env)
  const heldBefore = new Set(await storedInPreviousShards(env, shards, events.map((event) => event.id)))
  const fresh = events.filter((event) => !heldBefore.has(event.id))
  const byShard = groupByShard(fresh, (event) => event.id, (id) => [homeShard(shards, id)])
  const claims = await Promise.all([...byShard].map(([shard, batch]) => eventIndexStub(env.INNGEST_EVENT_INDEX, shard).claim(batch, leaseMs)))
  return claims.flat()
}

/** The ids of `ids` stored, in the dedupe window, in their shard under the previous count (none outside a change). */
async function storedInPreviousShards(env: EventIndexEnv, shards: IndexShards, ids: readonly string[]): Promise<string[]> {
  if (shards.previous === null) return []
  const byShard = groupByShard(ids, (id) => id, (id) => {
    const before = previousShard(shards, id)
    return before === null ? [] : [before]
  })
  const held = await Promise.all([...byShard].map(([shard, batch]) => eventIndexStub(env.INNGEST_EVENT_INDEX, shard).storedAmong(batch)))
  return held.flat()
}

/**
 * Marks `ids` routed, one call per shard. While the count changes, in both shards an id may be
 * in: an event an old shard re-drives comes back through the queue consumer and must leave that
 * shard's outbox. Marking an id a shard does not hold writes nothing.
 */
export async function markRoutedInShards(env: EventIndexEnv, ids: readonly string[]): Promise<void> {
  const shards = indexShards(env)
  const byShard = groupByShard(ids, (id) => id, (id) => lookupShards(shards, id))
  await Promise.all([...byShard].map(([shard, batch]) => eventIndexStub(env.INNGEST_EVENT_INDEX, shard).markRouted(batch)))
}

/** The stored event `id`: from its shard under the current count, else (while the count changes) the previous one. */
export async function findStoredEvent(env: EventIndexEnv, id: string): Promise<StoredEvent | null> {
  for (const shard of lookupShards(indexShards(env), id)) {
    const stored = await eventIndexStub(env.INNGEST_EVENT_INDEX, shard).get(id)
    if (stored) return stored
  }
  return null
}

/** A page of the listing across every shard that may hold events: newest first (received time, then id). */
export async function recentInShards(env: EventIndexEnv, query: RecentEventsQuery): Promise<StoredEvent[]> {
  const pages = await Promise.all(listedShards(indexShards(env)).map((shard) => eventIndexStub(env.INNGEST_EVENT_INDEX, shard).recent(query)))
  return pages
    .flat()
    .sort((a, b) => b.receivedAt - a.receivedAt || (a.event.id < b.event.id ? 1 : a.event.id > b.event.id ? -1 : 0))
    .slice(0, query.limit)
}
