/**
 * The run tables of an object hosting many runs (an `InngestEntity`): the run actor's three
 * tables (run-schema.ts) keyed by run id first, beside the user's own tables, and the list of
 * the object's runs with when each one's alarm is due (one object alarm serves them all).
 */
import type { Schema } from './migrations.js'
import { STEP_VALUE_COLUMNS } from './run-schema.js'

export const ENTITY_RUN_SCHEMA: Schema = {
  name: 'entity-runs',
  migrations: [
    // 1: the runs hosted here and their next wake-up (entity-runs.ts); each run's state, steps
    // and effects, as a run actor has them, with `run_id` leading every key.
    `CREATE TABLE inngest_entity_runs (
       run_id TEXT PRIMARY KEY,
       function_id TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       ended_at INTEGER,
       alarm_at INTEGER
     ) WITHOUT ROWID;
     CREATE INDEX inngest_entity_runs_alarm ON inngest_entity_runs (alarm_at) WHERE alarm_at IS NOT NULL;
     CREATE INDEX inngest_entity_runs_created ON inngest_entity_runs (created_at);
     CREATE TABLE inngest_entity_run_state (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key)) WITHOUT ROWID;
     CREATE TABLE inngest_entity_steps (
       run_id TEXT NOT NULL,
       key TEXT NOT NULL,
       ${STEP_VALUE_COLUMNS},
       PRIMARY KEY (run_id, key)
     ) WITHOUT ROWID;
     CREATE TABLE inngest_entity_effects (
       seq INTEGER PRIMARY KEY,
       run_id TEXT NOT NULL,
       effect TEXT NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0,
       due_at INTEGER NOT NULL DEFAULT 0,
       last_error TEXT,
       failed_at INTEGER
     );
     CREATE INDEX inngest_entity_effects_run ON inngest_entity_effects (run_id, seq);`,
  ],
}
