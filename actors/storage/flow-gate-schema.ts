/** The flow gate actor's schema history (see migrations.ts). */
import { chunkCleanupTriggers, CHUNKS_TABLE_MIGRATION } from './chunked-text.js'
import type { Schema } from './migrations.js'

/** Tables `inngest_flow_gate`, `inngest_flow_gate_seen`, `inngest_flow_gate_starts`. */
export const FLOW_GATE_SCHEMA: Schema = {
  name: 'flow-gate',
  migrations: [
    // 1: the one gate this object keeps (one object per option, function and key value): its
    // pure core's state as JSON and when its alarm is due (debounce, batch); the subjects already
    // decided (event ids, or run ids for singleton), so a redelivery gets the same answer and
    // never counts twice; and the run starts decided but not yet confirmed (retried by the alarm).
    `CREATE TABLE inngest_flow_gate (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       kind TEXT NOT NULL,
       function_id TEXT NOT NULL,
       state TEXT NOT NULL,
       wake_at INTEGER
     );
     CREATE TABLE inngest_flow_gate_seen (
       subject TEXT PRIMARY KEY,
       outcome TEXT NOT NULL,
       seen_at INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE INDEX inngest_flow_gate_seen_age ON inngest_flow_gate_seen (seen_at);
     CREATE TABLE inngest_flow_gate_starts (
       run_id TEXT PRIMARY KEY,
       request TEXT NOT NULL
     ) WITHOUT ROWID;`,
    // 2: gate states and start requests too large for one row (a debounced event, a batch of
    // events) in parts (chunked-text.ts), deleted with the value or row that names them.
    `${CHUNKS_TABLE_MIGRATION}
     ${chunkCleanupTriggers('inngest_flow_gate', 'state')}
     ${chunkCleanupTriggers('inngest_flow_gate_starts', 'request')}`,
  ],
}
