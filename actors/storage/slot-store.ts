/**
 * Typed access to a slot actor's storage: one state row (a concurrency pool's leases and
 * counters, or a throttle's GCRA), the queue as rows in serving order (slot-queue.ts), throttle
 * starts kept for a day (idempotent enqueue), and pending "you may go" notifications. The state
 * row goes through `ChunkedText` too: a pool with a very high limit holds many leases.
 */
import { ChunkedText } from './chunked-text.js'
import { SqlStore } from './sql-store.js'
import { SLOT_SCHEMA } from './slot-schema.js'
import type { RunAddress } from './stream-store.js'

/** A run to tell that it may go, and the object hosting it (absent: its own `RunActor`). */
export interface RunToTell {
  readonly runId: string
  readonly host?: RunAddress
}

/** A queued run as stored: its place (`orderAt`, then `seq`) and the core's item, JSON. */
export interface QueuedRow<Item> {
  readonly runId: string
  readonly orderAt: number
  readonly seq: number
  readonly item: Item
}

/** Throttle starts are remembered this long, so a repeated enqueue of a started run is a no-op. */
const STARTED_RETENTION_MS = 24 * 60 * 60 * 1000

export class SlotStore extends SqlStore {
  private readonly chunks: ChunkedText

  constructor(storage: DurableObjectStorage) {
    super(storage, SLOT_SCHEMA)
    this.chunks = new ChunkedText(this.sql)
    this.transaction(() => this.moveStoredQueueToRows())
  }

  /**
   * Versions before schema 4 kept the queue inside the state (`waiting` of a concurrency pool,
   * `queue` of a throttle): moved to rows once, in order, and the state keeps none.
   */
  private moveStoredQueueToRows(): void {
    const state = this.readState<{ waiting?: Array<{ runId: string; orderAt: number; seq: number }>; queue?: Array<string | { runId: string }> }>()
    if (state?.waiting?.length) {
      this.addQueued(state.waiting.map((waiter) => ({ runId: waiter.runId, orderAt: waiter.orderAt, seq: waiter.seq, item: waiter })))
      this.writeState({ ...state, waiting: [] })
    }
    if (state?.queue?.length) {
      this.addQueued(state.queue.map((item, index) => ({ runId: typeof item === 'string' ? item : item.runId, orderAt: index + 1, seq: index + 1, item })))
      this.writeState({ ...state, queue: [] })
    }
  }

  /** The first `limit` queued runs, in serving order. */
  queueHead<Item>(limit: number): Array<QueuedRow<Item>> {
    return this.sql
      .exec<{ run_id: string; order_at: number; seq: number; item: string }>('SELECT run_id, order_at, seq, item FROM inngest_slot_queue ORDER BY order_at, seq LIMIT ?', limit)
      .toArray()
      .map(toQueuedRow<Item>)
  }

  /** `runId`'s place in the queue, if it is queued. */
  queuedRow<Item>(runId: string): QueuedRow<Item> | undefined {
    const row = this.sql.exec<{ run_id: string; order_at: number; seq: number; item: string }>('SELECT run_id, order_at, seq, item FROM inngest_slot_queue WHERE run_id = ?', runId).toArray()[0]
    return row ? toQueuedRow<Item>(row) : undefined
  }

  /** The place after the last queued run (a FIFO queue's next seq). */
  nextQueueSeq(): number {
    return (this.sql.exec<{ last: number | null }>('SELECT MAX(order_at) AS last FROM inngest_slot_queue').one().last ?? 0) + 1
  }

  addQueued(rows: ReadonlyArray<QueuedRow<unknown>>): void {
    for (const row of rows) this.sql.exec('INSERT OR REPLACE INTO inngest_slot_queue (run_id, order_at, seq, item) VALUES (?, ?, ?, ?)', row.runId, row.orderAt, row.seq, JSON.stringify(row.item))
  }

  removeQueued(runIds: readonly string[]): void {
    for (const runId of runIds) this.sql.exec('DELETE FROM inngest_slot_queue WHERE run_id = ?', runId)
  }

  /** The state with its whole queue read back from rows: for inspection and tests, not hand-offs. */
  fullState<T>(): T | null {
    const state = this.readState<Record<string, unknown>>()
    if (!state) return null
    const items = this.queueHead<unknown>(Number.MAX_SAFE_INTEGER).map((row) => row.item)
    return ('queue' in state ? { ...state, queue: items } : { ...state, waiting: items }) as T
  }

  readState<T>(): T | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM inngest_slot_state WHERE key = 'state'").toArray()[0]
    return row ? (JSON.parse(this.chunks.get(row.value)) as T) : null
  }

  writeState(state: unknown): void {
    this.sql.exec(
      "INSERT INTO inngest_slot_state (key, value) VALUES ('state', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      this.chunks.put('slot:state', JSON.stringify(state)),
    )
  }

  wasStarted(runId: string): boolean {
    return this.sql.exec('SELECT 1 FROM inngest_slot_started WHERE run_id = ?', runId).toArray().length > 0
  }

  markStarted(runIds: readonly string[], at: number): void {
    this.sql.exec('DELETE FROM inngest_slot_started WHERE at < ?', at - STARTED_RETENTION_MS)
    for (const runId of runIds) this.sql.exec('INSERT OR IGNORE INTO inngest_slot_started (run_id, at) VALUES (?, ?)', runId, at)
  }

  addNotifications(runs: readonly RunToTell[]): void {
    for (const { runId, host } of runs) {
      this.sql.exec('INSERT OR IGNORE INTO inngest_slot_notify (run_id, host) VALUES (?, ?)', runId, host ? JSON.stringify(host) : null)
    }
  }

  notifications(): RunToTell[] {
    return this.sql
      .exec<{ run_id: string; host: string | null }>('SELECT run_id, host FROM inngest_slot_notify')
      .toArray()
      .map((row) => (row.host === null ? { runId: row.run_id } : { runId: row.run_id, host: JSON.parse(row.host) as RunAddress }))
  }

  notified(runId: string): void {
    this.sql.exec('DELETE FROM inngest_slot_notify WHERE run_id = ?', runId)
  }

  /** The time the alarm was last set for (null: none). */
  readAlarmAt(): number | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM inngest_slot_state WHERE key = 'alarm'").toArray()[0]
    return row ? (JSON.parse(row.value) as number | null) : null
  }

  writeAlarmAt(at: number | null): void {
    this.sql.exec(
      "INSERT INTO inngest_slot_state (key, value) VALUES ('alarm', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      JSON.stringify(at),
    )
  }
}

function toQueuedRow<Item>(row: { run_id: string; order_at: number; seq: number; item: string }): QueuedRow<Item> {
  return { runId: row.run_id, orderAt: row.order_at, seq: row.seq, item: JSON.parse(row.item) as Item }
}
