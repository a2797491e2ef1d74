/**
 * The event index: every received event by id, in 16 Durable Objects (`events:0` … `events:15`)
 * chosen by a hash of the id. It makes intake durable and deduplicated: an event is claimed here
 * (stored) before it is queued, and an id claimed and routed in the last 24 hours is not claimed
 * again. It also answers the REST API's `/v1/events`. See actors/events/README.md.
 */
import { DurableObject } from 'cloudflare:workers'
import { hashString } from '../machines/prng.js'
import type { RunEventPayload } from './engine/executor.js'
import { EventIndexStore, type RecentEventsQuery, type StoredEvent } from './storage/event-index-store.js'

export type { EventCursor, RecentEventsQuery, StoredEvent } from './storage/event-index-store.js'

/** How many index shards there are. Changing it moves ids between shards: fixed once released. */
export const EVENT_INDEX_SHARDS = 16

/** The shard that holds event `id`. */
export function shardOf(id: string): number {
  return hashString(id) % EVENT_INDEX_SHARDS
}

/** `events` grouped by their shard, each group in input order. */
export function groupByShard(events: readonly RunEventPayload[]): Map<number, RunEventPayload[]> {
  const byShard = new Map<number, RunEventPayload[]>()
  for (const event of events) {
    const shard = shardOf(event.id)
    const batch = byShard.get(shard)
    if (batch) batch.push(event)
    else byShard.set(shard, [event])
  }
  return byShard
}

/** The index actor's RPC surface as callers see it (results are structured clones). */
export interface EventIndexRpc {
  claim(events: readonly RunEventPayload[]): Promise<string[]>
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

export class EventIndexActor extends DurableObject {
  private store!: EventIndexStore

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new EventIndexStore(ctx.storage)
    })
  }

  /**
   * Stores the events not seen (and routed) in the last 24 hours; returns their ids. The reply
   * leaves only once the write is durable (the output gate), so a resolved claim is stored.
   */
  claim(events: readonly RunEventPayload[]): string[] {
    return this.store.claim(events, Date.now())
  }

  /** Marks claimed events as queued: they deduplicate from now on. */
  markRouted(ids: readonly string[]): void {
    this.store.markRouted(ids)
  }

  /**
   * Stores events that were queued without a claim (system events, durable in their run) as
   * claimed and routed at once, in one transaction. Ids already stored are left as they are.
   */
  file(events: readonly RunEventPayload[]): void {
    this.ctx.storage.transactionSync(() => this.store.markRouted(this.store.claim(events, Date.now())))
  }

  get(id: string): StoredEvent | null {
    return this.store.get(id)
  }

  /** Newest first, optionally one name, strictly before a cursor. */
  recent(query: RecentEventsQuery): StoredEvent[] {
    return this.store.recent(query)
  }
}
