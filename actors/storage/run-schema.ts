/** The run store's schema history (see migrations.ts). */
import type { Schema } from './migrations.js'

export const RUN_SCHEMA: Schema = {
  name: 'run',
  migrations: [
    // 1: run state (snapshot, trigger events, output) as key/value rows; one row per step;
    // effects to perform after their transaction committed (alarms aside), in order.
    // WITHOUT ROWID: a text primary key on a rowid table is a second index, and every write to
    // it counts twice in rows written (what Cloudflare bills).
    `CREATE TABLE inngest_run_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
     CREATE TABLE inngest_steps (
       key TEXT PRIMARY KEY,
       id TEXT NOT NULL,
       kind TEXT NOT NULL,
       position INTEGER NOT NULL,
       concurrent INTEGER NOT NULL,
       status TEXT NOT NULL,
       attempts INTEGER NOT NULL,
       output TEXT,
       error TEXT,
       started_at INTEGER,
       ended_at INTEGER,
       wake_at INTEGER
     ) WITHOUT ROWID;
     CREATE TABLE inngest_effects (seq INTEGER PRIMARY KEY, effect TEXT NOT NULL);`,
  ],
}
