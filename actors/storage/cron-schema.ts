/** The cron actor's schema history (see migrations.ts). */
import type { Schema } from './migrations.js'

export const CRON_SCHEMA: Schema = {
  name: 'cron',
  migrations: [
    // 1: the one schedule this object keeps (one object per function and cron expression).
    // next_tick is NULL while disarmed; pending_tick is a tick persisted as fired whose run start
    // is not yet confirmed (a retried alarm starts it again, idempotently).
    `CREATE TABLE inngest_cron_schedule (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       function_id TEXT NOT NULL,
       expression TEXT NOT NULL,
       next_tick INTEGER,
       last_tick INTEGER,
       pending_tick INTEGER
     );`,
  ],
}
