/**
 * Typed access to one event index shard: claim (dedupe and store, due for delivery), mark
 * routed, the overdue outbox, read, list and expire. The clock comes in as `now`, so tests can
 * move it.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { positiveSetting } from '../engine/positive-setting.js'
import { ChunkedText, markerOnlySql } from './chunked-text.js'
import { EVENT_INDEX_SCHEMA } from './event-index-schema.js'
import { SqlStore } from './sql-store.js'

const HOUR_MS = 60 * 60 * 1000
/** Inngest's event-id dedupe window. */
export const DEDUPE_WINDOW_MS = 24 * HOUR_MS
/** How long events stay readable over REST by default. */
export const EVENT_RETENTION_MS = 7 * 24 * HOUR_MS

/**
 * The retention a worker configured (`INNGEST_EVENT_RETENTION_HOURS`, a positive number), else
 * 7 days. The index's storage bounds its sustained intake (~500 B per event per shard): a day
 * instead of a week lets the shards take 7× more. Dedupe never looks further back than this.
 */
export function eventRetentionMs(configured: string | undefined): number {
  return positiveSetting(configured, EVENT_RETENTION_MS, { unit: HOUR_MS })
}
/** Expired rows deleted per claim beyond the claim's own size, so expiry keeps pace with intake. */
const EXPIRE_BATCH = 100
const EXPIRE_EVERY_MS = 1_000
/** The longest wait between two re-drives of an event that is still not routed. */
const MAX_REDRIVE_DELAY_MS = 10 * 60 * 1000

/** When an event re-driven `attempts` times is due again: the lease, doubled per attempt, capped. */
export function redriveDelay(leaseMs: number, attempts: number): number {
  return Math.min(MAX_REDRIVE_DELAY_MS, leaseMs * 2 ** Math.min(attempts, 20))
}

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

/** The payload column when it names chunked parts, else NULL: reads no large inline payload. */
const MARKER_ONLY = markerOnlySql('payload')

/** An event the outbox hands out again: its id, name and stored size (the payload is read on demand). */
export interface OverdueEvent {
  readonly id: string
  readonly name: string
  /** Length of the stored JSON in UTF-16 units (≤ 3 bytes each). */
  readonly length: number
  readonly attempts: number
}

export class EventIndexStore extends SqlStore {
  private readonly chunks: ChunkedText
  private lastExpiry = Number.NEGATIVE_INFINITY
  private claimedSinceExpiry = 0

  constructor(
    storage: DurableObjectStorage,
    private readonly retentionMs = EVENT_RETENTION_MS,
  ) {
    super(storage, EVENT_INDEX_SCHEMA)
    this.chunks = new ChunkedText(this.sql)
  }

  /**
   * Stores the events not seen in the dedupe window and returns their ids, in input order, in
   * one transaction, each due for delivery at `dueAt` (the outbox re-drives it then if it was not
   * marked routed), or routed at once when `dueAt` is null. An id stored in the window is a
   * duplicate whether or not it was routed yet: the outbox delivers the first event, which stands.
   */
  claim(events: readonly RunEventPayload[], now: number, dueAt: number | null = now): string[] {
    return this.storage.transactionSync(() => {
      const claimed = new Set<string>()
      for (const event of events) {
        if (claimed.has(event.id) || this.isDuplicate(event.id, now)) continue
        claimed.add(event.id)
        const payload = this.chunks.put(`event:${event.id}`, JSON.stringify(event))
        this.sql.exec(
          `INSERT INTO inngest_events (id, name, payload, received_at, routed, due_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 0)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, payload = excluded.payload, received_at = excluded.received_at,
             routed = excluded.routed, due_at = excluded.due_at, attempts = 0`,
          event.id,
          event.name,
          payload,
          now,
          dueAt === null ? 1 : 0,
          dueAt,
        )
      }
      this.expireNowAndThen(now, events.length)
      return [...claimed]
    })
  }

  /**
   * The ids of `ids` stored in the dedupe window at `now` (a claim of them would be a duplicate),
   * in input order. Reads only: used to dedupe against this shard while another one claims.
   */
  storedAmong(ids: readonly string[], now: number): string[] {
    return ids.filter((id) => {
      const row = this.sql.exec<{ received_at: number }>('SELECT received_at FROM inngest_events WHERE id = ?', id).toArray()[0]
      return row !== undefined && this.withinDedupeWindow(row.received_at, now)
    })
  }

  /**
   * Marks events as routed (their runs, waits and cancellations acted on): they deduplicate, and
   * leave the outbox. An id this shard does not hold (or holds routed) is left alone: nothing is written.
   */
  markRouted(ids: readonly string[]): void {
    this.storage.transactionSync(() => {
      for (const id of ids) this.sql.exec('UPDATE inngest_events SET routed = 1, due_at = NULL WHERE id = ? AND routed = 0', id)
    })
  }

  /**
   * Up to `limit` events due for delivery at `now` and still not routed, oldest due first; each
   * is due again `redriveDelay` later (if this re-drive is lost too) and counts one attempt more.
   */
  takeOverdue(now: number, limit: number, leaseMs: number): OverdueEvent[] {
    return this.storage.transactionSync(() => {
      const rows = this.sql
        .exec<{ id: string; name: string; length: number; attempts: number }>(
          'SELECT id, name, length(payload) AS length, attempts FROM inngest_events WHERE due_at <= ? ORDER BY due_at LIMIT ?',
          now,
          limit,
        )
        .toArray()
      for (const row of rows) {
        this.sql.exec('UPDATE inngest_events SET attempts = attempts + 1, due_at = ? WHERE id = ?', now + redriveDelay(leaseMs, row.attempts + 1), row.id)
      }
      return rows.map((row) => ({ ...row, attempts: row.attempts + 1 }))
    })
  }

  /** When the earliest undelivered event is due, if any. */
  nextDue(): number | null {
    return this.sql.exec<{ due: number | null }>('SELECT MIN(due_at) AS due FROM inngest_events WHERE due_at IS NOT NULL').one().due
  }

  get(id: string): StoredEvent | null {
    const row = this.sql.exec<EventRecord>('SELECT id, payload, received_at FROM inngest_events WHERE id = ?', id).toArray()[0]
    return row ? this.toStoredEvent(row) : null
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
    return rows.toArray().map((row) => this.toStoredEvent(row))
  }

  /**
   * Expiry keeps pace with intake without a query per claim: at most once a second, it deletes
   * up to the rows claimed since (plus EXPIRE_BATCH), so the shard never grows beyond what its
   * retention brings in.
   */
  private expireNowAndThen(now: number, claimed: number): void {
    this.claimedSinceExpiry += claimed
    if (now - this.lastExpiry < EXPIRE_EVERY_MS) return
    this.expire(now, this.claimedSinceExpiry + EXPIRE_BATCH)
    this.lastExpiry = now
    this.claimedSinceExpiry = 0
  }

  /** Deletes at most `max` rows older than the retention, oldest first, and their payload parts; returns how many. */
  expire(now: number, max: number): number {
    const deleted = this.sql
      .exec<{ payload: string | null }>(
        `DELETE FROM inngest_events WHERE id IN (SELECT id FROM inngest_events WHERE received_at < ? ORDER BY received_at LIMIT ?) RETURNING ${MARKER_ONLY} AS payload`,
        now - this.retentionMs,
        max,
      )
      .toArray()
    for (const row of deleted) this.chunks.dropStored(row.payload)
    return deleted.length
  }

  private toStoredEvent(row: EventRecord): StoredEvent {
    return { event: JSON.parse(this.chunks.get(row.payload)) as RunEventPayload, receivedAt: row.received_at }
  }

  /** Whether `id` deduplicates; if not and an expired row of it is stored, that row's payload parts are dropped (it is about to be replaced). */
  private isDuplicate(id: string, now: number): boolean {
    const row = this.sql
      .exec<{ received_at: number; routed: number; marker: string | null }>(`SELECT received_at, routed, ${MARKER_ONLY} AS marker FROM inngest_events WHERE id = ?`, id)
      .toArray()[0]
    if (row === undefined) return false
    // Routed or still in the outbox (which delivers it): either way the first event stands.
    if (this.withinDedupeWindow(row.received_at, now)) return true
    this.chunks.dropStored(row.marker)
    return false
  }

  /** Whether an event received at `receivedAt` still deduplicates its id at `now`: 24 hours, or the retention if shorter. */
  private withinDedupeWindow(receivedAt: number, now: number): boolean {
    return receivedAt > now - Math.min(DEDUPE_WINDOW_MS, this.retentionMs)
  }
}
