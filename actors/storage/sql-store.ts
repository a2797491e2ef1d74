/**
 * What every actor's store shares: its SQLite handle, its schema migrated on construction (call
 * from the Durable Object constructor, inside `blockConcurrencyWhile`), and one way to group
 * writes into a transaction.
 */
import { migrate, type Schema } from './migrations.js'

export abstract class SqlStore {
  protected readonly sql: SqlStorage

  constructor(
    protected readonly storage: DurableObjectStorage,
    schema: Schema,
  ) {
    this.sql = storage.sql
    migrate(storage, schema)
  }

  /** Runs `write` as one storage transaction: all of it commits, or none. */
  transaction<T>(write: () => T): T {
    return this.storage.transactionSync(write)
  }
}
