/**
 * The run store's statements, written once for both layouts: a run actor's own tables (the
 * object is the run), and an entity's shared tables keyed by run id first (entity-run-schema.ts),
 * where every statement's first binding is the run id: it is `?1` wherever the statement needs
 * it, and the statement's own parameters are numbered from `?2` in order. Built once per layout.
 */
import { STEP_COLUMNS } from './step-row.js'

export type RunQueries = ReturnType<typeof build>

function build(scoped: boolean) {
  const [state, steps, effects] = scoped ? ['inngest_entity_run_state', 'inngest_entity_steps', 'inngest_entity_effects'] : ['inngest_run_state', 'inngest_steps', 'inngest_effects']
  /** `WHERE` for this run's rows, then `rest` (scoped: the run id is bound first). */
  const where = (rest = '') => (scoped ? `WHERE run_id = ?1${rest ? ` AND ${rest}` : ''}` : rest ? `WHERE ${rest}` : '')
  const runColumn = scoped ? 'run_id, ' : ''
  const runValue = scoped ? '?1, ' : ''
  const queries = {
    // An upsert, not INSERT OR REPLACE: a replace deletes and inserts, two rows written.
    writeState: `INSERT INTO ${state} (${runColumn}key, value) VALUES (${runValue}?, ?) ON CONFLICT (${runColumn}key) DO UPDATE SET value = excluded.value`,
    readState: `SELECT value FROM ${state} ${where('key = ?')}`,
    readSteps: `SELECT ${STEP_COLUMNS} FROM ${steps} ${where()} ORDER BY position, key`,
    readStep: `SELECT ${STEP_COLUMNS} FROM ${steps} ${where('key = ?')}`,
    writeStep: `INSERT INTO ${steps}
         (${runColumn}key, id, kind, position, concurrent, status, attempts, output, error, started_at, ended_at, wake_at)
       VALUES (${runValue}?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (${runColumn}key) DO UPDATE SET
         status = excluded.status, attempts = excluded.attempts, output = excluded.output, error = excluded.error,
         started_at = excluded.started_at, ended_at = excluded.ended_at, wake_at = excluded.wake_at`,
    completeStep: `UPDATE ${steps} SET status = 'completed', output = ?, ended_at = ? ${where('key = ?')}`,
    failStep: `UPDATE ${steps} SET status = 'failed', error = ?, ended_at = ? ${where('key = ?')}`,
    appendEffect: `INSERT INTO ${effects} (${runColumn}effect) VALUES (${runValue}?)`,
    appendEffectAt: `INSERT INTO ${effects} (${runColumn}seq, effect) VALUES (${runValue}?, ?)`,
    // Seqs are unique over the whole table (an entity's runs share it): no run id in the statement.
    nextEffectSeq: `SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM ${effects}`,
    readEffects: `SELECT seq, effect, attempts, due_at FROM ${effects} ${where('failed_at IS NULL')} ORDER BY seq`,
    deleteEffect: `DELETE FROM ${effects} ${where('seq = ? AND failed_at IS NULL')}`,
    effectAttempts: `SELECT attempts FROM ${effects} ${where('seq = ? AND failed_at IS NULL')}`,
    effectFailed: `UPDATE ${effects} SET attempts = ?, due_at = ?, last_error = ?, failed_at = ? ${where('seq = ?')}`,
    deferEffect: `UPDATE ${effects} SET due_at = ? ${where('seq = ? AND failed_at IS NULL')}`,
    countEffects: `SELECT COUNT(*) AS n FROM ${effects} ${where('failed_at IS NULL')}`,
    nextEffectAt: `SELECT MIN(due_at) AS at FROM ${effects} ${where('failed_at IS NULL')}`,
    failedEffects: `SELECT effect, attempts, last_error, failed_at FROM ${effects} ${where('failed_at IS NOT NULL')} ORDER BY failed_at, seq`,
  }
  if (!scoped) return queries
  // The statement's own `?`s, numbered from 2 in order: SET values come before the WHERE's run id.
  const numbered = (query: string) => {
    let next = 2
    return query.replace(/\?(?!\d)/g, () => `?${next++}`)
  }
  return Object.fromEntries(Object.entries(queries).map(([name, query]) => [name, numbered(query)])) as typeof queries
}

const ACTOR = build(false)
const ENTITY = build(true)

/** The statements for a run actor's tables, or (scoped) an entity's. */
export function runQueries(scoped: boolean): RunQueries {
  return scoped ? ENTITY : ACTOR
}
