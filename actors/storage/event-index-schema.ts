/** The event index actor's schema history (see migrations.ts). */
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
  ],
}
