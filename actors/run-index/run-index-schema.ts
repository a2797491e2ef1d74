/** The run index actor's schema history (see ../storage/migrations.ts). */
import type { Schema } from '../storage/migrations.js'

export const RUN_INDEX_SCHEMA: Schema = {
  name: 'run-index',
  migrations: [
    // 1: one row per run (RunIndexEntry), rewritten in place as the run moves on. `rank` orders
    // the states an entry can report (0 queued, 1 started, 2 finished) so that a late, older
    // entry never overwrites a newer one. The listing is newest first by queued time, then run
    // id; one index per filter the dashboard offers keeps every page a bounded range scan.
    // `inngest_login_failures`: failed dashboard sign-ins per client address, for the rate limit.
    `CREATE TABLE inngest_runs (
       run_id TEXT PRIMARY KEY,
       function_id TEXT NOT NULL,
       status TEXT NOT NULL,
       event_id TEXT,
       event_name TEXT,
       queued_at INTEGER NOT NULL,
       started_at INTEGER,
       ended_at INTEGER,
       host TEXT,
       rank INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE INDEX inngest_runs_queued ON inngest_runs (queued_at, run_id);
     CREATE INDEX inngest_runs_status ON inngest_runs (status, queued_at, run_id);
     CREATE INDEX inngest_runs_function ON inngest_runs (function_id, queued_at, run_id);
     CREATE INDEX inngest_runs_event ON inngest_runs (event_id) WHERE event_id IS NOT NULL;
     CREATE TABLE inngest_login_failures (client TEXT NOT NULL, at INTEGER NOT NULL);
     CREATE INDEX inngest_login_failures_client ON inngest_login_failures (client, at);`,
  ],
}
