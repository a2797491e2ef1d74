/**
 * Typed access to one run's storage: the persisted machine snapshot, the trigger events, the
 * output and the step rows. One insert/update path per table. Callers group writes in
 * `transaction` so a transition and its step row commit together.
 */
import type { PersistedRunSnapshot } from '../../machines/index.js'
import { migrate } from './migrations.js'
import { toStepRow, type StepRecord, type StepRow } from './step-row.js'

type StateKey = 'snapshot' | 'trigger' | 'output' | 'pending_effects'

export class RunStore {
  private readonly sql: SqlStorage

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql
    migrate(storage)
  }

  /** Runs `write` as one storage transaction: all of it commits, or none. */
  transaction<T>(write: () => T): T {
    return this.storage.transactionSync(write)
  }

  readSnapshot(): PersistedRunSnapshot | null {
    return this.readJson<PersistedRunSnapshot>('snapshot')
  }

  writeSnapshot(snapshot: PersistedRunSnapshot): void {
    this.writeJson('snapshot', snapshot)
  }

  readJson<T>(key: StateKey): T | null {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM inngest_run_state WHERE key = ?', key).toArray()[0]
    return row ? (JSON.parse(row.value) as T) : null
  }

  writeJson(key: StateKey, value: unknown): void {
    this.writeText(key, JSON.stringify(value))
  }

  /** Stores already-serialised JSON (step and run outputs are serialised once, for the size check). */
  writeText(key: StateKey, text: string): void {
    // An upsert, not INSERT OR REPLACE: a replace deletes and inserts, two rows written.
    this.sql.exec('INSERT INTO inngest_run_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, text)
  }

  readText(key: StateKey): string | null {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM inngest_run_state WHERE key = ?', key).toArray()[0]
    return row?.value ?? null
  }

  deleteKey(key: StateKey): void {
    this.sql.exec('DELETE FROM inngest_run_state WHERE key = ?', key)
  }

  /** Every step row in one read: replay cost is one query, not one per step. */
  readSteps(): StepRow[] {
    return this.sql.exec<StepRecord>('SELECT * FROM inngest_steps ORDER BY position, key').toArray().map(toStepRow)
  }

  writeStep(step: StepRow): void {
    this.sql.exec(
      `INSERT INTO inngest_steps
         (key, id, kind, position, concurrent, status, attempts, output, error, started_at, ended_at, wake_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET
         status = excluded.status, attempts = excluded.attempts, output = excluded.output, error = excluded.error,
         started_at = excluded.started_at, ended_at = excluded.ended_at, wake_at = excluded.wake_at`,
      step.key,
      step.id,
      step.kind,
      step.position,
      step.concurrent ? 1 : 0,
      step.status,
      step.attempts,
      step.output,
      step.error ? JSON.stringify(step.error) : null,
      step.startedAt,
      step.endedAt,
      step.wakeAt,
    )
  }

  /** Marks a sleeping or waiting step completed with its result (null for a sleep or timeout). */
  settleStep(key: string, output: string, endedAt: number): void {
    this.sql.exec("UPDATE inngest_steps SET status = 'completed', output = ?, ended_at = ? WHERE key = ?", output, endedAt, key)
  }
}
