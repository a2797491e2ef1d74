/**
 * The event index: every received event by id, in 16 Durable Objects (`events:0` … `events:15`)
 * chosen by a hash of the id. It makes intake durable and deduplicated: an event is claimed here
 * (stored) before its sender hears "accepted", and an id stored in the last 24 hours is not
 * claimed again. It is also the outbox: a claimed event not marked routed by its due time is
 * re-driven by this object's alarm, through the queue, until it is. It answers the REST API's
 * `/v1/events`. See actors/events/README.md.
 */
import { DurableObject } from 'cloudflare:workers'
import { hashString } from '../machines/prng.js'
import type { RunEventPayload } from './engine/executor.js'
import type { PublishEnv } from './events/publish-events.js'
import { redriveOverdue } from './events/redrive-events.js'
import { EventIndexStore, eventRetentionMs, type RecentEventsQuery, type StoredEvent } from './storage/event-index-store.js'

export type { EventCursor, RecentEventsQuery, StoredEvent } from './storage/event-index-store.js'

/** How many index shards there are. Changing it moves ids between shards: fixed once released. */
export const EVENT_INDEX_SHARDS = 16

/** The shard that holds event `id`. */
export function shardOf(id: string): number {
  return hashString(id) % EVENT_INDEX_SHARDS
}

/** `items` grouped by the shard of their event id (`idOf`), each group in input order. */
export function groupByShard<T>(items: readonly T[], idOf: (item: T) => string): Map<number, T[]> {
  const byShard = new Map<number, T[]>()
  for (const item of items) {
    const shard = shardOf(idOf(item))
    const batch = byShard.get(shard)
    if (batch) batch.push(item)
    else byShard.set(shard, [item])
  }
  return byShard
}

/** Marks `ids` routed in their shards, one call per shard. */
export async function markRoutedInShards(namespace: DurableObjectNamespace<EventIndexActor>, ids: readonly string[]): Promise<void> {
  await Promise.all([...groupByShard(ids, (id) => id)].map(([shard, batch]) => eventIndexStub(namespace, shard).markRouted(batch)))
}

/** The index actor's RPC surface as callers see it (results are structured clones). */
export interface EventIndexRpc {
  /** Stores new events, due for delivery within `leaseMs` (else the outbox re-drives them); returns their ids. */
  claim(events: readonly RunEventPayload[], leaseMs?: number): Promise<string[]>
  markRouted(ids: readonly string[]): Promise<void>
  file(events: readonly RunEventPayload[]): Promise<void>
  get(id: string): Promise<StoredEvent | null>
  recent(query: RecentEventsQuery): Promise<StoredEvent[]>
}

/** The stub of index shard `shard` (0 … EVENT_INDEX_SHARDS - 1). */
export function eventIndexStub(namespace: DurableObjectNamespace<EventIndexActor>, shard: number): EventIndexRpc {
  // As runActorStub: Workers' RPC types map `unknown` fields (event data) to never.
  return namespace.get(namespace.idFromName(`events:${shard}`)) as unknown as EventIndexRpc
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
