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
import type { PublishEnv } from './events/publish-events.js'
import { redriveOverdue } from './events/redrive-events.js'
import { EventIndexStore, eventRetentionMs, type RecentEventsQuery, type StoredEvent } from './storage/event-index-store.js'

export type { EventCursor, RecentEventsQuery, StoredEvent } from './storage/event-index-store.js'

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
