/**
 * Typed access to one run's storage: the persisted machine snapshot, the trigger events, the
 * output, the step rows and the effects to perform. One insert/update path per table. Callers
 * group writes in `transaction` so a transition and its step row commit together. Values that
 * may be large go through `ChunkedText` (parts of ≤ 1.5 MB), so no row is over 2 MB.
 */
import type { PersistedRunSnapshot, SerializedError } from '../../machines/index.js'
import { ChunkedText, fitsInline } from './chunked-text.js'
import { SqlStore } from './sql-store.js'
import { RUN_SCHEMA } from './run-schema.js'
import { STEP_COLUMNS, toStepRow, type StepRow } from './step-row.js'

type StateKey = 'snapshot' | 'trigger' | 'output' | 'parent' | 'streams' | 'interruptions'

/** An effect recorded and not yet performed (nor given up). */
export interface PendingEffect<T> {
  readonly seq: number
  readonly effect: T
  /** Failed attempts so far. */
  readonly attempts: number
  /** When it may be tried (again); 0: at once. */
  readonly dueAt: number
}

/** An effect the run gave up on, kept as its record. */
export interface FailedEffectRow<T> {
  readonly effect: T
  readonly attempts: number
  readonly error: SerializedError | null
  readonly failedAt: number
}

/** How a failed attempt left the effect: due again at `dueAt`, given up, or no longer pending. */
export type EffectAttemptResult = { readonly state: 'retrying'; readonly dueAt: number } | { readonly state: 'failed' | 'gone' }

export class RunStore extends SqlStore {
  private readonly chunks: ChunkedText
  /**
   * Effects recorded and not yet performed, counted in memory once read (the host asks after
   * every transition). A write rolled back after `appendEffect` leaves it one too high, which
   * only makes the host look for effects once more; `readEffects` recounts.
   */
  private effectCount: number | undefined

  constructor(storage: DurableObjectStorage) {
    super(storage, RUN_SCHEMA)
    this.chunks = new ChunkedText(this.sql, { lazy: true })
  }

  readSnapshot(): PersistedRunSnapshot | null {
    return this.readJson<PersistedRunSnapshot>('snapshot')
  }

  writeSnapshot(snapshot: PersistedRunSnapshot): void {
    this.writeJson('snapshot', snapshot)
  }

  readJson<T>(key: StateKey): T | null {
    const text = this.readText(key)
    return text === null ? null : (JSON.parse(text) as T)
  }

  writeJson(key: StateKey, value: unknown): void {
    this.writeText(key, JSON.stringify(value))
  }

  /** Stores already-serialised JSON (step and run outputs are serialised once, for the size check). */
  writeText(key: StateKey, text: string): void {
    // An upsert, not INSERT OR REPLACE: a replace deletes and inserts, two rows written.
    const stored = this.chunks.put(`run:state:${key}`, text)
    this.sql.exec('INSERT INTO inngest_run_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, stored)
  }

  readText(key: StateKey): string | null {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM inngest_run_state WHERE key = ?', key).toArray()[0]
    return row ? this.chunks.get(row.value) : null
  }

  deleteKey(key: StateKey): void {
    this.sql.exec('DELETE FROM inngest_run_state WHERE key = ?', key)
    this.chunks.drop(`run:state:${key}`)
  }

  /** Every step row in one read: replay cost is one query, plus one per value stored in parts. */
  readSteps(): StepRow[] {
    const resolve = (stored: string) => this.chunks.get(stored)
    return [...this.sql.exec(`SELECT ${STEP_COLUMNS} FROM inngest_steps ORDER BY position, key`).raw()].map((values) => toStepRow(values, resolve))
  }

  readStep(key: string): StepRow | undefined {
    const values = [...this.sql.exec(`SELECT ${STEP_COLUMNS} FROM inngest_steps WHERE key = ?`, key).raw()][0]
    return values ? toStepRow(values, (stored) => this.chunks.get(stored)) : undefined
  }

  /** One row for a small step (the hot path): `put` only measures a short value. */
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
      this.putOrDrop(`run:step:${step.key}:output`, step.output),
      this.putOrDrop(`run:step:${step.key}:error`, step.error ? JSON.stringify(step.error) : null),
      step.startedAt,
      step.endedAt,
      step.wakeAt,
    )
  }

  /** The column value for `text` under `owner`; for null, any parts a larger value left are dropped. */
  private putOrDrop(owner: string, text: string | null): string | null {
    if (text !== null) return this.chunks.put(owner, text)
    this.chunks.drop(owner) // no query while this run never had a large value
    return null
  }

  /** Settles a sleeping or waiting step: completed with its result (JSON text), or failed. */
  settleStep(key: string, outcome: { output: string } | { error: SerializedError }, endedAt: number): void {
    if ('output' in outcome) {
      const output = this.chunks.put(`run:step:${key}:output`, outcome.output)
      this.sql.exec("UPDATE inngest_steps SET status = 'completed', output = ?, ended_at = ? WHERE key = ?", output, endedAt, key)
    } else {
      const error = this.chunks.put(`run:step:${key}:error`, JSON.stringify(outcome.error))
      this.sql.exec("UPDATE inngest_steps SET status = 'failed', error = ?, ended_at = ? WHERE key = ?", error, endedAt, key)
    }
  }

  /** Queues an effect to perform once the surrounding transaction committed. */
  appendEffect(effect: unknown): void {
    const text = JSON.stringify(effect)
    if (fitsInline(text)) this.sql.exec('INSERT INTO inngest_effects (effect) VALUES (?)', text)
    else {
      // Its parts are named after its row, so the seq is chosen first (as SQLite would: max + 1).
      const seq = this.sql.exec<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM inngest_effects').one().seq
      this.sql.exec('INSERT INTO inngest_effects (seq, effect) VALUES (?, ?)', seq, this.chunks.put(`run:effect:${seq}`, text))
    }
    if (this.effectCount !== undefined) this.effectCount++
  }

  /** Effects not yet performed nor given up, oldest first. */
  readEffects<T>(): Array<PendingEffect<T>> {
    const effects = this.sql
      .exec<{ seq: number; effect: string; attempts: number; due_at: number }>('SELECT seq, effect, attempts, due_at FROM inngest_effects WHERE failed_at IS NULL ORDER BY seq')
      .toArray()
      .map((row) => ({ seq: row.seq, effect: JSON.parse(this.chunks.get(row.effect)) as T, attempts: row.attempts, dueAt: row.due_at }))
    this.effectCount = effects.length
    return effects
  }

  /** An effect performed: its row goes, and its parts with it. */
  deleteEffect(seq: number): void {
    const deleted = this.sql.exec('DELETE FROM inngest_effects WHERE seq = ? AND failed_at IS NULL', seq).rowsWritten
    if (deleted > 0) this.chunks.drop(`run:effect:${seq}`)
    if (this.effectCount !== undefined && deleted > 0) this.effectCount--
  }

  /**
   * Counts a failed attempt of effect `seq` (read now: another flush may have performed it or
   * counted one meanwhile). `retryAt` says when to try again after that many attempts, or null
   * to give up: the effect then stays, marked failed, with its last error.
   */
  effectAttemptFailed(seq: number, error: SerializedError, at: number, retryAt: (attempts: number) => number | null): EffectAttemptResult {
    return this.transaction(() => {
      const row = this.sql.exec<{ attempts: number }>('SELECT attempts FROM inngest_effects WHERE seq = ? AND failed_at IS NULL', seq).toArray()[0]
      if (!row) return { state: 'gone' }
      const attempts = row.attempts + 1
      const dueAt = retryAt(attempts)
      const failedAt = dueAt === null ? at : null
      this.sql.exec('UPDATE inngest_effects SET attempts = ?, due_at = ?, last_error = ?, failed_at = ? WHERE seq = ?', attempts, dueAt ?? 0, JSON.stringify(error), failedAt, seq)
      if (dueAt !== null) return { state: 'retrying', dueAt }
      if (this.effectCount !== undefined) this.effectCount--
      return { state: 'failed' }
    })
  }

  /** Effect `seq` waits behind another, due at `dueAt`: so is it (and the alarm is set for then). */
  deferEffect(seq: number, dueAt: number): void {
    this.sql.exec('UPDATE inngest_effects SET due_at = ? WHERE seq = ? AND failed_at IS NULL', dueAt, seq)
  }

  /** Whether effects wait to be performed (those given up do not count). */
  hasEffects(): boolean {
    this.effectCount ??= this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM inngest_effects WHERE failed_at IS NULL').one().n
    return this.effectCount > 0
  }

  /** When the earliest pending effect is due (0: at once); null with none pending. */
  nextEffectAt(): number | null {
    if (!this.hasEffects()) return null
    return this.sql.exec<{ at: number | null }>('SELECT MIN(due_at) AS at FROM inngest_effects WHERE failed_at IS NULL').one().at
  }

  /** The effects the run gave up on, in the order it gave up. */
  failedEffects<T>(): Array<FailedEffectRow<T>> {
    return this.sql
      .exec<{ effect: string; attempts: number; last_error: string | null; failed_at: number }>(
        'SELECT effect, attempts, last_error, failed_at FROM inngest_effects WHERE failed_at IS NOT NULL ORDER BY failed_at, seq',
      )
      .toArray()
      .map((row) => ({
        effect: JSON.parse(this.chunks.get(row.effect)) as T,
        attempts: row.attempts,
        error: row.last_error === null ? null : (JSON.parse(row.last_error) as SerializedError),
        failedAt: row.failed_at,
      }))
  }
}
