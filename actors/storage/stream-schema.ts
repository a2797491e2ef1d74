/** The event stream actor's schema history (see migrations.ts). */
import type { Schema } from './migrations.js'

export const STREAM_SCHEMA: Schema = {
  name: 'stream',
  migrations: [
    // 1: the recent events of one name, in arrival order (seq), for lookback; and the waits and
    // cancellations registered against this name, each resolved by at most one event.
    `CREATE TABLE inngest_stream_events (
       seq INTEGER PRIMARY KEY,
       id TEXT NOT NULL UNIQUE,
       ts INTEGER NOT NULL,
       received_at INTEGER NOT NULL,
       payload TEXT NOT NULL
     );
     CREATE TABLE inngest_stream_waits (
       run_id TEXT NOT NULL,
       step_key TEXT NOT NULL,
       kind TEXT NOT NULL,
       event TEXT NOT NULL,
       expression TEXT,
       trigger TEXT NOT NULL,
       since_ts INTEGER NOT NULL,
       expires_at INTEGER NOT NULL,
       resolved_by TEXT,
       registered_seq INTEGER NOT NULL,
       PRIMARY KEY (run_id, step_key)
     ) WITHOUT ROWID;
     CREATE INDEX inngest_stream_waits_open ON inngest_stream_waits (resolved_by, expires_at);`,
    // 2: where a registration's run lives when a Durable Object of the user's hosts it
    // (`RunAddress` as JSON). NULL, as in every row written before: the run's own RunActor.
    `ALTER TABLE inngest_stream_waits ADD COLUMN host TEXT;`,
  ],
}
