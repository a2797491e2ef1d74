/**
 * Typed access to a slot actor's storage: one state row (a concurrency pool or a throttle),
 * throttle starts kept for a day (idempotent enqueue), and pending "you may go" notifications.
 * The state lists queued runs: a long backlog is stored in parts (`ChunkedText`).
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

/** Throttle starts are remembered this long, so a repeated enqueue of a started run is a no-op. */
const STARTED_RETENTION_MS = 24 * 60 * 60 * 1000

export class SlotStore extends SqlStore {
  private readonly chunks: ChunkedText

  constructor(storage: DurableObjectStorage) {
    super(storage, SLOT_SCHEMA)
    this.chunks = new ChunkedText(this.sql)
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
