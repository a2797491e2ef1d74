/** The event stream actor's schema history (see migrations.ts). */
import { CHUNKS_TABLE_MIGRATION } from './chunked-text.js'
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
    // 3: indexed matching (engine/match-key.ts): an open registration whose condition is an
    // equality on the incoming event is filed under (match_path, match_key) and looked up by
    // the incoming event's value; the others (match_path NULL, rows from before too) are
    // scanned. Expiry and lookback by index instead of whole-table scans. Large payloads and
    // triggers in parts (chunked-text.ts).
    `ALTER TABLE inngest_stream_waits ADD COLUMN match_path TEXT;
     ALTER TABLE inngest_stream_waits ADD COLUMN match_key TEXT;
     CREATE INDEX inngest_stream_waits_keyed ON inngest_stream_waits (match_path, match_key, registered_seq) WHERE resolved_by IS NULL AND match_path IS NOT NULL;
     CREATE INDEX inngest_stream_waits_scanned ON inngest_stream_waits (registered_seq) WHERE resolved_by IS NULL AND match_path IS NULL;
     CREATE INDEX inngest_stream_waits_expiry ON inngest_stream_waits (expires_at);
     CREATE INDEX inngest_stream_events_ts ON inngest_stream_events (ts, seq);
     ${CHUNKS_TABLE_MIGRATION}`,
  ],
}
