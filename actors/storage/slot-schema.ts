/** The slot actor's schema history (see migrations.ts). */
import type { Schema } from './migrations.js'

export const SLOT_SCHEMA: Schema = {
  name: 'slot',
  migrations: [
    // 1: the pure core's state (concurrency pool or throttle), runs a throttle already started
    // (so a repeated enqueue is idempotent), and runs still to be told they may go.
    `CREATE TABLE inngest_slot_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
     CREATE TABLE inngest_slot_started (run_id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
     CREATE TABLE inngest_slot_notify (run_id TEXT PRIMARY KEY) WITHOUT ROWID;`,
    // 2: the object hosting a run to tell, when a Durable Object of the user's hosts it
    // (`RunAddress` as JSON). NULL, as in every row written before: the run's own RunActor.
    `ALTER TABLE inngest_slot_notify ADD COLUMN host TEXT;`,
  ],
}
