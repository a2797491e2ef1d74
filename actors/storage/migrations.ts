/**
 * The run store's schema history. Numbered, append-only: a released migration is never edited,
 * a change is a new entry. Tables are prefixed `inngest_` so the host can share a user's own
 * Durable Object storage without colliding with their tables.
 */
const MIGRATIONS: readonly string[] = [
  // 1: run state (snapshot, trigger events, output) as key/value rows; one row per step.
  // WITHOUT ROWID: a text primary key on a rowid table is a second index, and every write to
  // it counts twice in rows written (what Cloudflare bills).
  `CREATE TABLE inngest_run_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE inngest_steps (
     key TEXT PRIMARY KEY,
     id TEXT NOT NULL,
     kind TEXT NOT NULL,
     position INTEGER NOT NULL,
     concurrent INTEGER NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     output TEXT,
     error TEXT,
     started_at INTEGER,
     ended_at INTEGER,
     wake_at INTEGER
   ) WITHOUT ROWID;`,
]

/** Applies the migrations this storage has not seen, in order, each in its own transaction. */
export function migrate(storage: DurableObjectStorage): void {
  const sql = storage.sql
  sql.exec('CREATE TABLE IF NOT EXISTS inngest_migrations (version INTEGER PRIMARY KEY)')
  const applied = sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM inngest_migrations').one().v ?? 0
  MIGRATIONS.forEach((statements, index) => {
    const version = index + 1
    if (version <= applied) return
    storage.transactionSync(() => {
      sql.exec(statements)
      sql.exec('INSERT INTO inngest_migrations (version) VALUES (?)', version)
    })
  })
}
