/** The run store's schema history (see migrations.ts). */
import type { Schema } from './migrations.js'

/** A step row's columns after its key, as migration 1 made them (entity-run-schema.ts has them too). */
export const STEP_VALUE_COLUMNS = `id TEXT NOT NULL,
       kind TEXT NOT NULL,
       position INTEGER NOT NULL,
       concurrent INTEGER NOT NULL,
       status TEXT NOT NULL,
       attempts INTEGER NOT NULL,
       output TEXT,
       error TEXT,
       started_at INTEGER,
       ended_at INTEGER,
       wake_at INTEGER`

/** The state and step tables, as migration 1 made them and as they still are (shared with `create`). */
const STATE_AND_STEPS = `CREATE TABLE inngest_run_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
     CREATE TABLE inngest_steps (
       key TEXT PRIMARY KEY,
       ${STEP_VALUE_COLUMNS}
     ) WITHOUT ROWID;`

export const RUN_SCHEMA: Schema = {
  name: 'run',
  migrations: [
    // 1: run state (snapshot, trigger events, output) as key/value rows; one row per step;
    // effects to perform after their transaction committed (alarms aside), in order.
    // WITHOUT ROWID: a text primary key on a rowid table is a second index, and every write to
    // it counts twice in rows written (what Cloudflare bills).
    `${STATE_AND_STEPS}
     CREATE TABLE inngest_effects (seq INTEGER PRIMARY KEY, effect TEXT NOT NULL);`,
    // 2: effect delivery (effect-retry.ts): failed attempts so far, when the next one is due (0:
    // at once), the latest failure (SerializedError JSON), and when the run gave up on it. A
    // given-up effect stays, with its payload, as the record the inspection shows. Values too
    // large for one row go to `inngest_chunks`, which the store creates with the first one
    // (ChunkedText's lazy mode): every run is a new object and pays for every table and trigger
    // of its schema (a quarter of a fan-out's CPU went to creating them, BENCHMARKS.md).
    `ALTER TABLE inngest_effects ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE inngest_effects ADD COLUMN due_at INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE inngest_effects ADD COLUMN last_error TEXT;
     ALTER TABLE inngest_effects ADD COLUMN failed_at INTEGER;`,
  ],
  // Every run is a new object: what the migrations above leave, created at once (see Schema.create).
  create: `${STATE_AND_STEPS}
     CREATE TABLE inngest_effects (
       seq INTEGER PRIMARY KEY,
       effect TEXT NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0,
       due_at INTEGER NOT NULL DEFAULT 0,
       last_error TEXT,
       failed_at INTEGER
     );`,
}
