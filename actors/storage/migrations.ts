/**
 * Schema histories for the actors' SQLite storage. Each schema is a named, numbered, append-only
 * list: a released migration is never edited, a change is a new entry. Versions are tracked per
 * schema name, so schemas can share one object's storage (a user's own Durable Object hosting a
 * run beside its tables). Every table is prefixed `inngest_`.
 */
export interface Schema {
  readonly name: string
  readonly migrations: readonly string[]
  /**
   * The schema as every migration leaves it, in one script of CREATE statements, for a new
   * object. Optional; worth it for objects created per run: each ALTER TABLE makes SQLite
   * re-read the whole schema, triggers included. A test keeps it equal to the migrations.
   */
  readonly create?: string
}

/**
 * Applies the migrations of `schema` this storage has not seen, in order, in one transaction
 * that records the version reached. One version row, not one per migration: every run is a new
 * object, and rows written are what users pay for. The version is `MAX(version)` of the rows.
 */
export function migrate(storage: DurableObjectStorage, schema: Schema): void {
  const sql = storage.sql
  sql.exec('CREATE TABLE IF NOT EXISTS inngest_schema (name TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (name, version)) WITHOUT ROWID')
  const applied = sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM inngest_schema WHERE name = ?', schema.name).one().v ?? 0
  const pending = schema.migrations.slice(applied)
  if (pending.length === 0) return
  storage.transactionSync(() => {
    if (applied === 0 && schema.create !== undefined) sql.exec(schema.create)
    else for (const statements of pending) sql.exec(statements)
    sql.exec('INSERT INTO inngest_schema (name, version) VALUES (?, ?)', schema.name, schema.migrations.length)
  })
}
