/** The slot actor's schema history (see migrations.ts). */
import { chunkCleanupTriggers, CHUNKS_TABLE_MIGRATION } from './chunked-text.js'
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
    // 3: a state too large for one row in parts (chunked-text.ts). It holds run ids, not event
    // data, but a backlog of tens of thousands of runs queued on one key would pass 2 MB.
    `${CHUNKS_TABLE_MIGRATION}
     ${chunkCleanupTriggers('inngest_slot_state', 'value')}`,
  ],
}
