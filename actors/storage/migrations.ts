/**
 * Schema histories for the actors' SQLite storage. Each schema is a named, numbered, append-only
 * list: a released migration is never edited, a change is a new entry. Versions are tracked per
 * schema name, so schemas can share one object's storage (a user's own Durable Object hosting a
 * run beside its tables). Every table is prefixed `inngest_`.
 */
export interface Schema {
  readonly name: string
  readonly migrations: readonly string[]
}

/** Applies the migrations of `schema` this storage has not seen, in order, each in its own transaction. */
export function migrate(storage: DurableObjectStorage, schema: Schema): void {
  const sql = storage.sql
  sql.exec('CREATE TABLE IF NOT EXISTS inngest_schema (name TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (name, version)) WITHOUT ROWID')
  const applied = sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM inngest_schema WHERE name = ?', schema.name).one().v ?? 0
  schema.migrations.forEach((statements, index) => {
    const version = index + 1
    if (version <= applied) return
    storage.transactionSync(() => {
      sql.exec(statements)
      sql.exec('INSERT INTO inngest_schema (name, version) VALUES (?, ?)', schema.name, version)
    })
  })
}
