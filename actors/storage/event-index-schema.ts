/** The event index actor's schema history (see migrations.ts). */
import { CHUNKS_TABLE_MIGRATION } from './chunked-text.js'
import type { Schema } from './migrations.js'

export const EVENT_INDEX_SCHEMA: Schema = {
  name: 'event-index',
  migrations: [
    // 1: received events by id (the dedupe key), with the payload as JSON. `routed` turns 1 once
    // the event is on the queue; only a routed row deduplicates (see actors/events/README.md).
    // Two indexes serve the REST listing (newest first, optionally by name) and expiry.
    `CREATE TABLE inngest_events (
       id TEXT PRIMARY KEY,
       name TEXT NOT NULL,
       payload TEXT NOT NULL,
       received_at INTEGER NOT NULL,
       routed INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE INDEX inngest_events_received ON inngest_events (received_at);
     CREATE INDEX inngest_events_name ON inngest_events (name, received_at);`,
    // 2: the outbox. `routed` now turns 1 once the event's runs, waits and cancellations were
    // acted on (not when it was queued); until then `due_at` says when the shard's alarm re-drives
    // it and `attempts` how often it did. Rows left unrouted by version 1 are due at once.
    // Payloads over the inline size live in `inngest_chunks` (chunked-text.ts).
    `ALTER TABLE inngest_events ADD COLUMN due_at INTEGER;
     ALTER TABLE inngest_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
     UPDATE inngest_events SET due_at = received_at WHERE routed = 0;
     CREATE INDEX inngest_events_due ON inngest_events (due_at) WHERE due_at IS NOT NULL;
     ${CHUNKS_TABLE_MIGRATION}`,
  ],
}
