/**
 * Typed access to one run's storage: the persisted machine snapshot, the trigger events, the
 * output and the step rows. One insert/update path per table. Callers group writes in
 * `transaction` so a transition and its step row commit together.
 */
import type { PersistedRunSnapshot, SerializedError } from '../../machines/index.js'
import { SqlStore } from './sql-store.js'
import { RUN_SCHEMA } from './run-schema.js'
import { STEP_COLUMNS, toStepRow, type StepRow } from './step-row.js'

type StateKey = 'snapshot' | 'trigger' | 'output' | 'parent' | 'streams'

export class RunStore extends SqlStore {
  /**
   * Effects recorded and not yet deleted, counted in memory once read (the host asks after
   * every transition). A write rolled back after `appendEffect` leaves it one too high, which
   * only makes the host look for effects once more; `readEffects` recounts.
   */
  private effectCount: number | undefined

  constructor(storage: DurableObjectStorage) {
    super(storage, RUN_SCHEMA)
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
    return [...this.sql.exec(`SELECT ${STEP_COLUMNS} FROM inngest_steps ORDER BY position, key`).raw()].map(toStepRow)
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

  /** Settles a sleeping or waiting step: completed with its result (JSON text), or failed. */
  settleStep(key: string, outcome: { output: string } | { error: SerializedError }, endedAt: number): void {
    if ('output' in outcome) {
      this.sql.exec("UPDATE inngest_steps SET status = 'completed', output = ?, ended_at = ? WHERE key = ?", outcome.output, endedAt, key)
    } else {
      this.sql.exec("UPDATE inngest_steps SET status = 'failed', error = ?, ended_at = ? WHERE key = ?", JSON.stringify(outcome.error), endedAt, key)
    }
  }

  /** Queues an effect to perform once the surrounding transaction committed. */
  appendEffect(effect: unknown): void {
    this.sql.exec('INSERT INTO inngest_effects (effect) VALUES (?)', JSON.stringify(effect))
    if (this.effectCount !== undefined) this.effectCount++
  }

  /** Effects not yet performed, oldest first. */
  readEffects<T>(): Array<{ seq: number; effect: T }> {
    const effects = this.sql
      .exec<{ seq: number; effect: string }>('SELECT seq, effect FROM inngest_effects ORDER BY seq')
      .toArray()
      .map((row) => ({ seq: row.seq, effect: JSON.parse(row.effect) as T }))
    this.effectCount = effects.length
    return effects
  }

  deleteEffect(seq: number): void {
    const deleted = this.sql.exec('DELETE FROM inngest_effects WHERE seq = ?', seq).rowsWritten
    if (this.effectCount !== undefined && deleted > 0) this.effectCount--
  }

  hasEffects(): boolean {
    this.effectCount ??= this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM inngest_effects').one().n
    return this.effectCount > 0
  }

  readStep(key: string): StepRow | undefined {
    const values = [...this.sql.exec(`SELECT ${STEP_COLUMNS} FROM inngest_steps WHERE key = ?`, key).raw()][0]
    return values ? toStepRow(values) : undefined
  }
}
