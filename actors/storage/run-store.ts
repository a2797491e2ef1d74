/**
 * Typed access to one run's storage: the persisted machine snapshot, the trigger events, the
 * output, the step rows and the effects to perform. One insert/update path per table. Callers
 * group writes in `transaction` so a transition and its step row commit together. Values that
 * may be large go through `ChunkedText` (parts of ≤ 1.5 MB), so no row is over 2 MB.
 *
 * A run actor holds one run: its tables are the run's (run-schema.ts). An object hosting many
 * runs (an `InngestEntity`) scopes a store to one of them: the same statements on tables keyed by
 * run id first (entity-run-schema.ts), so each run reads and writes only its own rows.
 */
import type { PersistedRunSnapshot, SerializedError } from '../../machines/index.js'
import { ChunkedText, fitsInline } from './chunked-text.js'
import { SqlStore } from './sql-store.js'
import { ENTITY_RUN_SCHEMA } from './entity-run-schema.js'
import { RUN_SCHEMA } from './run-schema.js'
import { runQueries, type RunQueries } from './run-queries.js'
import { toStepRow, type StepRow } from './step-row.js'

type StateKey = 'snapshot' | 'trigger' | 'output' | 'parent' | 'streams' | 'interruptions' | 'hostedBy'

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
  private readonly q: RunQueries
  /** The bindings every statement starts with: none for a run actor, the run id in an entity. */
  private readonly scope: readonly string[]
  /** Names the chunk owners of this run's values (unique per run in an entity). */
  private readonly owner: string

  /** @param runId scopes the store to one run of an object hosting many (absent: the object is the run's). */
  constructor(storage: DurableObjectStorage, runId?: string) {
    super(storage, runId === undefined ? RUN_SCHEMA : ENTITY_RUN_SCHEMA)
    this.chunks = new ChunkedText(this.sql, { lazy: true })
    this.q = runQueries(runId !== undefined)
    this.scope = runId === undefined ? [] : [runId]
    this.owner = runId === undefined ? 'run' : `run:${runId}`
  }

  private exec<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T> {
    return this.sql.exec<T>(query, ...this.scope, ...bindings)
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
    const stored = this.chunks.put(`${this.owner}:state:${key}`, text)
    this.exec(this.q.writeState, key, stored)
  }

  readText(key: StateKey): string | null {
    const row = this.exec<{ value: string }>(this.q.readState, key).toArray()[0]
    return row ? this.chunks.get(row.value) : null
  }

  /** Every step row in one read: replay cost is one query, plus one per value stored in parts. */
  readSteps(): StepRow[] {
    const resolve = (stored: string) => this.chunks.get(stored)
    return [...this.exec(this.q.readSteps).raw()].map((values) => toStepRow(values, resolve))
  }

  readStep(key: string): StepRow | undefined {
    const values = [...this.exec(this.q.readStep, key).raw()][0]
    return values ? toStepRow(values, (stored) => this.chunks.get(stored)) : undefined
  }

  /** One row for a small step (the hot path): `put` only measures a short value. */
  writeStep(step: StepRow): void {
    this.exec(
      this.q.writeStep,
      step.key,
      step.id,
      step.kind,
      step.position,
      step.concurrent ? 1 : 0,
      step.status,
      step.attempts,
      this.putOrDrop(`${this.owner}:step:${step.key}:output`, step.output),
      this.putOrDrop(`${this.owner}:step:${step.key}:error`, step.error ? JSON.stringify(step.error) : null),
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
      const output = this.chunks.put(`${this.owner}:step:${key}:output`, outcome.output)
      this.exec(this.q.completeStep, output, endedAt, key)
    } else {
      const error = this.chunks.put(`${this.owner}:step:${key}:error`, JSON.stringify(outcome.error))
      this.exec(this.q.failStep, error, endedAt, key)
    }
  }

  /** Queues an effect to perform once the surrounding transaction committed. */
  appendEffect(effect: unknown): void {
    const text = JSON.stringify(effect)
    if (fitsInline(text)) this.exec(this.q.appendEffect, text)
    else {
      // Its parts are named after its row, so the seq is chosen first (as SQLite would: max + 1).
      const seq = this.sql.exec<{ seq: number }>(this.q.nextEffectSeq).one().seq
      this.exec(this.q.appendEffectAt, seq, this.chunks.put(`${this.owner}:effect:${seq}`, text))
    }
    if (this.effectCount !== undefined) this.effectCount++
  }

  /** Effects not yet performed nor given up, oldest first. */
  readEffects<T>(): Array<PendingEffect<T>> {
    const effects = this
      .exec<{ seq: number; effect: string; attempts: number; due_at: number }>(this.q.readEffects)
      .toArray()
      .map((row) => ({ seq: row.seq, effect: JSON.parse(this.chunks.get(row.effect)) as T, attempts: row.attempts, dueAt: row.due_at }))
    this.effectCount = effects.length
    return effects
  }

  /** An effect performed: its row goes, and its parts with it. */
  deleteEffect(seq: number): void {
    const deleted = this.exec(this.q.deleteEffect, seq).rowsWritten
    if (deleted > 0) this.chunks.drop(`${this.owner}:effect:${seq}`)
    if (this.effectCount !== undefined && deleted > 0) this.effectCount--
  }

  /**
   * Counts a failed attempt of effect `seq` (read now: another flush may have performed it or
   * counted one meanwhile). `retryAt` says when to try again after that many attempts, or null
   * to give up: the effect then stays, marked failed, with its last error.
   */
  effectAttemptFailed(seq: number, error: SerializedError, at: number, retryAt: (attempts: number) => number | null): EffectAttemptResult {
    return this.transaction(() => {
      const row = this.exec<{ attempts: number }>(this.q.effectAttempts, seq).toArray()[0]
      if (!row) return { state: 'gone' }
      const attempts = row.attempts + 1
      const dueAt = retryAt(attempts)
      const failedAt = dueAt === null ? at : null
      this.exec(this.q.effectFailed, attempts, dueAt ?? 0, JSON.stringify(error), failedAt, seq)
      if (dueAt !== null) return { state: 'retrying', dueAt }
      if (this.effectCount !== undefined) this.effectCount--
      return { state: 'failed' }
    })
  }

  /** Effect `seq` waits behind another, due at `dueAt`: so is it (and the alarm is set for then). */
  deferEffect(seq: number, dueAt: number): void {
    this.exec(this.q.deferEffect, dueAt, seq)
  }

  /** Whether effects wait to be performed (those given up do not count). */
  hasEffects(): boolean {
    this.effectCount ??= this.exec<{ n: number }>(this.q.countEffects).one().n
    return this.effectCount > 0
  }

  /** When the earliest pending effect is due (0: at once); null with none pending. */
  nextEffectAt(): number | null {
    if (!this.hasEffects()) return null
    return this.exec<{ at: number | null }>(this.q.nextEffectAt).one().at
  }

  /** The effects the run gave up on, in the order it gave up. */
  failedEffects<T>(): Array<FailedEffectRow<T>> {
    return this
      .exec<{ effect: string; attempts: number; last_error: string | null; failed_at: number }>(this.q.failedEffects)
      .toArray()
      .map((row) => ({
        effect: JSON.parse(this.chunks.get(row.effect)) as T,
        attempts: row.attempts,
        error: row.last_error === null ? null : (JSON.parse(row.last_error) as SerializedError),
        failedAt: row.failed_at,
      }))
  }
}
