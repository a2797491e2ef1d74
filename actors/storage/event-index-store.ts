/**
 * Typed access to one event index shard: claim (dedupe and store), mark routed, read, list and
 * expire. The clock comes in as `now`, so tests can move it.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { EVENT_INDEX_SCHEMA } from './event-index-schema.js'
import { SqlStore } from './sql-store.js'

const HOUR_MS = 60 * 60 * 1000
/** Inngest's event-id dedupe window. */
export const DEDUPE_WINDOW_MS = 24 * HOUR_MS
/** How long events stay readable over REST. */
export const EVENT_RETENTION_MS = 7 * 24 * HOUR_MS
/** Expired rows deleted per claim beyond the claim's own size, so expiry keeps pace with intake. */
const EXPIRE_BATCH = 100

/** An event as stored, with the time this worker received it. */
export interface StoredEvent {
  readonly event: RunEventPayload
  readonly receivedAt: number
}

/** A position in the newest-first listing: strictly older than this event. */
export interface EventCursor {
  readonly receivedAt: number
  readonly id: string
}

/** A page of the listing. */
export interface RecentEventsQuery {
  readonly name?: string
  readonly before?: EventCursor
  readonly limit: number
}

interface EventRecord extends Record<string, SqlStorageValue> {
  id: string
  payload: string
  received_at: number
}

const toStoredEvent = (row: EventRecord): StoredEvent => ({ event: JSON.parse(row.payload) as RunEventPayload, receivedAt: row.received_at })

export class EventIndexStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, EVENT_INDEX_SCHEMA)
  }

  /**
   * Stores the events not seen in the dedupe window and returns their ids, in input order, in
   * one transaction. An event whose id is stored but not yet routed counts as new again: the
   * publisher that claimed it failed before queueing it, and this claim takes over.
   */
  claim(events: readonly RunEventPayload[], now: number): string[] {
    return this.storage.transactionSync(() => {
      const claimed = new Set<string>()
      for (const event of events) {
        if (claimed.has(event.id) || this.isDuplicate(event.id, now)) continue
        claimed.add(event.id)
        this.sql.exec(
          `INSERT INTO inngest_events (id, name, payload, received_at, routed) VALUES (?, ?, ?, ?, 0)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, payload = excluded.payload, received_at = excluded.received_at, routed = 0`,
          event.id,
          event.name,
          JSON.stringify(event),
          now,
        )
      }
      this.expire(now, events.length + EXPIRE_BATCH)
      return [...claimed]
    })
  }

  /** Marks events as on the queue: from now on they deduplicate. */
  markRouted(ids: readonly string[]): void {
    this.storage.transactionSync(() => {
      for (const id of ids) this.sql.exec('UPDATE inngest_events SET routed = 1 WHERE id = ? AND routed = 0', id)
    })
  }

  get(id: string): StoredEvent | null {
    const row = this.sql.exec<EventRecord>('SELECT id, payload, received_at FROM inngest_events WHERE id = ?', id).toArray()[0]
    return row ? toStoredEvent(row) : null
  }

  /** Newest first (received time, then id, descending). */
  recent({ name, before, limit }: RecentEventsQuery): StoredEvent[] {
    const where: string[] = []
    const params: SqlStorageValue[] = []
    if (name !== undefined) {
      where.push('name = ?')
      params.push(name)
    }
    if (before) {
      where.push('(received_at, id) < (?, ?)')
      params.push(before.receivedAt, before.id)
    }
    const rows = this.sql.exec<EventRecord>(
      `SELECT id, payload, received_at FROM inngest_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id DESC LIMIT ?`,
      ...params,
      limit,
    )
    return rows.toArray().map(toStoredEvent)
  }

  /** Deletes at most `max` rows older than the retention, oldest first; returns how many. */
  expire(now: number, max: number): number {
    return this.sql.exec(
      'DELETE FROM inngest_events WHERE id IN (SELECT id FROM inngest_events WHERE received_at < ? ORDER BY received_at LIMIT ?) RETURNING id',
      now - EVENT_RETENTION_MS,
      max,
    ).toArray().length
  }

  private isDuplicate(id: string, now: number): boolean {
    const row = this.sql.exec<{ received_at: number; routed: number }>('SELECT received_at, routed FROM inngest_events WHERE id = ?', id).toArray()[0]
    return row !== undefined && row.routed === 1 && row.received_at > now - DEDUPE_WINDOW_MS
  }
}
