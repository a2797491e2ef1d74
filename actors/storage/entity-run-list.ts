/**
 * The runs an entity object hosts (entity-run-schema.ts): which exist, their functions, when each
 * one's alarm is due, and which finished runs are old enough to prune. Every run's own rows live
 * in the shared run tables, scoped by run id (`new RunStore(storage, runId)`).
 */
import type { PersistedRunSnapshot } from '../../machines/index.js'
import { ENTITY_RUN_SCHEMA } from './entity-run-schema.js'
import { SqlStore } from './sql-store.js'

/** A run of the entity as its list shows it. */
export interface EntityRunRow {
  readonly runId: string
  readonly functionId: string
  readonly createdAt: number
  /** The persisted snapshot (null: not started yet). */
  readonly snapshot: PersistedRunSnapshot | null
}

export class EntityRunList extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, ENTITY_RUN_SCHEMA)
  }

  /** Adds run `runId` if it is new; true if it was. */
  add(runId: string, functionId: string, createdAt: number): boolean {
    return this.sql.exec('INSERT INTO inngest_entity_runs (run_id, function_id, created_at) VALUES (?, ?, ?) ON CONFLICT (run_id) DO NOTHING', runId, functionId, createdAt).rowsWritten > 0
  }

  has(runId: string): boolean {
    return this.sql.exec('SELECT 1 FROM inngest_entity_runs WHERE run_id = ?', runId).toArray().length > 0
  }

  /** Sets (null: clears) when run `runId`'s alarm is due. */
  setAlarm(runId: string, at: number | null): void {
    this.sql.exec('UPDATE inngest_entity_runs SET alarm_at = ? WHERE run_id = ?', at, runId)
  }

  /** The earliest run alarm, or null with none set. */
  nextAlarm(): number | null {
    return this.sql.exec<{ at: number | null }>('SELECT MIN(alarm_at) AS at FROM inngest_entity_runs WHERE alarm_at IS NOT NULL').one().at
  }

  /** Runs whose alarm is due at `at`, earliest first, each with the time it was set for. */
  dueAlarms(at: number): Array<{ runId: string; alarmAt: number }> {
    return this.sql
      .exec<{ run_id: string; alarm_at: number }>('SELECT run_id, alarm_at FROM inngest_entity_runs WHERE alarm_at IS NOT NULL AND alarm_at <= ? ORDER BY alarm_at', at)
      .toArray()
      .map((row) => ({ runId: row.run_id, alarmAt: row.alarm_at }))
  }

  /** The runs hosted here, newest first, with their snapshots (one query). */
  list(limit: number): EntityRunRow[] {
    return this.sql
      .exec<{ run_id: string; function_id: string; created_at: number; snapshot: string | null }>(
        `SELECT r.run_id, r.function_id, r.created_at, s.value AS snapshot FROM inngest_entity_runs r
           LEFT JOIN inngest_entity_run_state s ON s.run_id = r.run_id AND s.key = 'snapshot'
         ORDER BY r.created_at DESC, r.run_id DESC LIMIT ?`,
        limit,
      )
      .toArray()
      .map((row) => ({ runId: row.run_id, functionId: row.function_id, createdAt: row.created_at, snapshot: row.snapshot === null ? null : (JSON.parse(row.snapshot) as PersistedRunSnapshot) }))
  }

  /**
   * Ids of runs that ended before `before`, with no effect left to perform and no alarm set:
   * what pruning may delete. At most `max`.
   */
  prunable(before: number, max: number): string[] {
    return this.sql
      .exec<{ run_id: string }>(
        `SELECT r.run_id FROM inngest_entity_runs r JOIN inngest_entity_run_state s ON s.run_id = r.run_id AND s.key = 'snapshot'
         WHERE r.alarm_at IS NULL AND json_extract(s.value, '$.value') = 'done' AND json_extract(s.value, '$.context.endedAt') < ?
           AND NOT EXISTS (SELECT 1 FROM inngest_entity_effects e WHERE e.run_id = r.run_id AND e.failed_at IS NULL)
         LIMIT ?`,
        before,
        max,
      )
      .toArray()
      .map((row) => row.run_id)
  }

  /** Deletes run `runId` and every row it had, its large values' parts included. */
  delete(runId: string): void {
    this.transaction(() => {
      for (const table of ['inngest_entity_run_state', 'inngest_entity_steps', 'inngest_entity_effects', 'inngest_entity_runs']) {
        this.sql.exec(`DELETE FROM ${table} WHERE run_id = ?`, runId)
      }
      const chunks = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'inngest_chunks'").toArray().length > 0
      // Owners of a run's parts are `run:<runId>:…` (RunStore): a range, so the primary key serves it.
      if (chunks) this.sql.exec('DELETE FROM inngest_chunks WHERE owner >= ? AND owner < ?', `run:${runId}:`, `run:${runId};`)
    })
  }
}
