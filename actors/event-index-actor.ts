/**
 * The event index: every received event by id, in Durable Objects `events:0` … `events:<n − 1>`
 * chosen by a hash of the id, n = `INNGEST_EVENT_INDEX_SHARDS` (default 16; while the count
 * changes, ids are also looked for under `INNGEST_EVENT_INDEX_SHARDS_PREVIOUS`: events/index-shards.ts).
 * It makes intake durable and deduplicated: an event is claimed here (stored) before its sender
 * hears "accepted", and an id stored in the last 24 hours is not claimed again. It is also the
 * outbox: a claimed event not marked routed by its due time is re-driven by this object's alarm,
 * through the queue, until it is. It answers the REST API's `/v1/events`. See actors/events/README.md.
 */
import { DurableObject } from 'cloudflare:workers'
import type { RunEventPayload } from './engine/executor.js'
import { groupByShard, homeShard, indexShards, listedShards, lookupShards, previousShard, type IndexShards, type IndexShardsEnv } from './events/index-shards.js'
import type { PublishEnv } from './events/publish-events.js'
import { redriveOverdue } from './events/redrive-events.js'
import { EventIndexStore, eventRetentionMs, type RecentEventsQuery, type StoredEvent } from './storage/event-index-store.js'

export type { EventCursor, RecentEventsQuery, StoredEvent } from './storage/event-index-store.js'

/** What addressing the index takes: its namespace and the shard counts. */
export interface EventIndexEnv extends IndexShardsEnv {
  readonly INNGEST_EVENT_INDEX: DurableObjectNamespace<EventIndexActor>
}

/** The index actor's RPC surface as callers see it (results are structured clones). */
export interface EventIndexRpc {
  /** Stores new events, due for delivery within `leaseMs` (else the outbox re-drives them); returns their ids. */
  claim(events: readonly RunEventPayload[], leaseMs?: number): Promise<string[]>
  /** The ids of `ids` this shard holds in the dedupe window, without storing anything. */
  storedAmong(ids: readonly string[]): Promise<string[]>
  markRouted(ids: readonly string[]): Promise<void>
  file(events: readonly RunEventPayload[]): Promise<void>
  get(id: string): Promise<StoredEvent | null>
  recent(query: RecentEventsQuery): Promise<StoredEvent[]>
}

/** The stub of index shard `shard` (Durable Object `events:<shard>`). */
export function eventIndexStub(namespace: DurableObjectNamespace<EventIndexActor>, shard: number): EventIndexRpc {
  // As runActorStub: Workers' RPC types map `unknown` fields (event data) to never.
  return namespace.get(namespace.idFromName(`events:${shard}`)) as unknown as EventIndexRpc
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

/** How long a claimed event may go unrouted before the outbox re-drives it, unless the claim says. */
const DEFAULT_LEASE_MS = 15_000

export class EventIndexActor extends DurableObject<PublishEnv> {
  private store!: EventIndexStore
  /** When the alarm is set for, as far as this instance knows (undefined: not read yet). */
  private alarmAt: number | null | undefined

  constructor(ctx: DurableObjectState, env: PublishEnv) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new EventIndexStore(ctx.storage, eventRetentionMs(env.INNGEST_EVENT_RETENTION_HOURS))
    })
  }

  /**
   * Stores the events whose ids it has not stored in the dedupe window; returns their ids. Each is
   * due for delivery within `leaseMs`, after which the alarm re-drives it. The reply leaves only
   * once the write is durable (the output gate), so a resolved claim is stored.
   */
  async claim(events: readonly RunEventPayload[], leaseMs = DEFAULT_LEASE_MS): Promise<string[]> {
    const now = Date.now()
    const claimed = this.store.claim(events, now, now + leaseMs)
    if (claimed.length > 0) await this.armOutbox(now + leaseMs)
    return claimed
  }

  /** The ids of `ids` stored here in the dedupe window: a claim of them would be a duplicate. */
  storedAmong(ids: readonly string[]): string[] {
    return this.store.storedAmong(ids, Date.now())
  }

  /** Marks claimed events as routed (delivered): they deduplicate from now on and leave the outbox. */
  markRouted(ids: readonly string[]): void {
    this.store.markRouted(ids)
  }

  /** The outbox: re-drives what is overdue, then sleeps until the next due event. */
  override async alarm(): Promise<void> {
    this.alarmAt = null // the runtime cleared it by firing
    await redriveOverdue(this.store, this.env, Date.now())
    const next = this.store.nextDue()
    if (next !== null) await this.armOutbox(next)
  }

  /** Sets the alarm for `dueAt` unless it is already set as early. */
  private async armOutbox(dueAt: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm()
    if (this.alarmAt !== null && this.alarmAt <= dueAt) return
    await this.ctx.storage.setAlarm(dueAt)
    this.alarmAt = dueAt
  }

  /**
   * Stores events delivered some other way (a cron tick's event, started by its cron actor) as
   * claimed and routed at once, in one transaction. Ids already routed are left as they are.
   */
  file(events: readonly RunEventPayload[]): void {
    this.store.claim(events, Date.now(), null)
  }

  get(id: string): StoredEvent | null {
    return this.store.get(id)
  }

  /** Newest first, optionally one name, strictly before a cursor. */
  recent(query: RecentEventsQuery): StoredEvent[] {
    return this.store.recent(query)
  }
}
