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
    // 4: the queue as rows (slot-queue.ts): runs waiting for a concurrency slot, served by
    // (order_at, seq), priority first; runs behind a throttle, FIFO (order_at = seq). The state
    // keeps leases and counters only, so a hand-off reads the head of the queue, not all of it.
    // Queues stored in the state by earlier versions move here when the store opens.
    `CREATE TABLE inngest_slot_queue (
       run_id TEXT PRIMARY KEY,
       order_at INTEGER NOT NULL,
       seq INTEGER NOT NULL,
       item TEXT NOT NULL
     ) WITHOUT ROWID;
     CREATE INDEX inngest_slot_queue_order ON inngest_slot_queue (order_at, seq);`,
  ],
}
