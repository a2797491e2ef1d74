/**
 * Large text values (event payloads, step and run outputs, effects) in rows Cloudflare accepts.
 * A SQLite-backed Durable Object refuses a row, string or BLOB over 2 MB (local workerd does not
 * check, production does). A value short enough is stored inline, as it always was; a longer one
 * is split into parts of `inngest_chunks` and its column holds a marker naming them, so a 4 MB
 * output costs a few rows, never one row over the limit.
 *
 * Lengths are counted in UTF-16 code units, which is free: a unit is at most 3 bytes of UTF-8
 * (a surrogate pair, 2 units, is 4 bytes), so `n` units are at most `3n` bytes as stored.
 *
 * Parts never outlive their value: the triggers of `chunkCleanupTriggers` delete them when the
 * row holding the marker is deleted, or its column is overwritten with a value stored inline or
 * under another owner. So a store deletes rows as it always did, in bulk too (pruning).
 */

/** The longest value kept inline: ≤ 768 KB of UTF-8, leaving the row room for its other columns. */
export const INLINE_MAX_UNITS = 256 * 1024
/** One part: ≤ 1.5 MB of UTF-8, under the 2 MB row limit. */
export const CHUNK_UNITS = 512 * 1024
/** The documented per-row limit the parts respect. */
export const MAX_ROW_BYTES = 2 * 1024 * 1024

/** How a marker starts. JSON text never starts with '@', so a marker cannot be mistaken for a stored value. */
const MARKER = '@chunked:'

/** The table the parts live in; every store that may hold large values creates it (IF NOT EXISTS: stores can share one object). */
export const CHUNKS_TABLE_MIGRATION = `CREATE TABLE IF NOT EXISTS inngest_chunks (
  owner TEXT NOT NULL,
  part INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (owner, part)
) WITHOUT ROWID;`

/** Whether `text` is stored in its column as it is (no parts, no query). */
export function fitsInline(text: string): boolean {
  return text.length <= INLINE_MAX_UNITS
}

/** Splits `text` into parts of at most `size` units, never between the two halves of a surrogate pair. */
export function splitText(text: string, size = CHUNK_UNITS): string[] {
  const parts: string[] = []
  let start = 0
  while (start < text.length) {
    let end = Math.min(start + size, text.length)
    const last = text.charCodeAt(end - 1)
    // Keep the pair together, unless the part would be empty (size 1): then split it, never loop.
    if (end < text.length && end - 1 > start && last >= 0xd800 && last <= 0xdbff) end--
    parts.push(text.slice(start, end))
    start = end
  }
  return parts
}

/**
 * SQL for `column` when it holds a marker, else NULL: lets a statement return what `dropStored`
 * needs (a DELETE's RETURNING, say) without reading a large inline value.
 */
export function markerOnlySql(column: string): string {
  return `CASE WHEN ${column} LIKE '${MARKER}%' THEN ${column} END`
}

/** Whether a stored column value is a marker rather than the value itself. */
export function isChunkMarker(stored: string): boolean {
  return stored.startsWith(MARKER)
}

/**
 * Reads and writes possibly large text through one object's `inngest_chunks`. Call `put` inside
 * the transaction that writes the column, so the parts and the marker commit together.
 */
export class ChunkedText {
  /** Whether `inngest_chunks` exists here (undefined: not looked up yet). */
  private tableExists: boolean | undefined

  /**
   * @param options.lazy for objects created per run (RunStore): the table is created with the
   *   first large value, so a run that never has one pays for no table and no triggers; with no
   *   triggers, `put` itself drops an owner's parts when its value shrinks to inline (a no-op
   *   query-free check while the table does not exist). Without it, a migration creates the
   *   table, and its triggers (or the store) drop parts.
   */
  constructor(
    private readonly sql: SqlStorage,
    private readonly options: { readonly lazy?: boolean } = {},
  ) {}

  /**
   * What to store in the column for `text`: the text itself when short, else a marker after
   * writing its parts under `owner` (a key unique in this object, e.g. `run:step:<key>:output`;
   * prefix it with the store's name, as stores may share an object). Writing a large value again
   * under the same owner replaces its parts; the column's triggers delete the old parts when the
   * new value is stored inline.
   */
  put(owner: string, text: string): string {
    if (fitsInline(text)) {
      if (this.options.lazy && this.hasTable()) this.drop(owner)
      return text
    }
    if (this.options.lazy && !this.hasTable()) {
      this.sql.exec(CHUNKS_TABLE_MIGRATION)
      this.tableExists = true
    }
    this.drop(owner)
    const parts = splitText(text)
    parts.forEach((part, index) => this.sql.exec('INSERT INTO inngest_chunks (owner, part, text) VALUES (?, ?, ?)', owner, index, part))
    return `${MARKER}${parts.length}:${owner}`
  }

  /** The value a column holds: itself, or the parts its marker names, joined. */
  get(stored: string): string {
    if (!isChunkMarker(stored)) return stored
    const rest = stored.slice(MARKER.length)
    const colon = rest.indexOf(':')
    const expected = Number(rest.slice(0, colon))
    const owner = rest.slice(colon + 1)
    const parts = this.sql.exec<{ text: string }>('SELECT text FROM inngest_chunks WHERE owner = ? ORDER BY part', owner).toArray()
    if (parts.length !== expected) throw new Error(`inngest.do: value ${owner} has ${parts.length} of its ${expected} stored parts`)
    return parts.map((row) => row.text).join('')
  }

  /** Deletes the parts of `owner` (a no-op for values stored inline). */
  drop(owner: string): void {
    if (this.options.lazy && !this.hasTable()) return
    this.sql.exec('DELETE FROM inngest_chunks WHERE owner = ?', owner)
  }

  /** Whether the parts table exists, looked up once (a lazy store creates it itself). */
  private hasTable(): boolean {
    this.tableExists ??= this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'inngest_chunks'").toArray().length > 0
    return this.tableExists
  }

  /** Deletes the parts a stored column value names, if it is a marker. */
  dropStored(stored: string | null | undefined): void {
    if (stored && isChunkMarker(stored)) this.drop(stored.slice(MARKER.length).split(':').slice(1).join(':'))
  }
}

/** `column` of the row `ref` (`old` or `new`): its owner if it holds a marker, else NULL. */
function ownerSql(ref: 'old' | 'new', column: string): string {
  const value = `${ref}.${column}`
  const start = MARKER.length + 1
  return `(CASE WHEN substr(${value}, 1, ${MARKER.length}) = '${MARKER}' THEN substr(${value}, instr(substr(${value}, ${start}), ':') + ${start}) END)`
}

/**
 * SQL for a migration: triggers that delete the parts of `table.column` when its row is deleted
 * (by any statement, so bulk pruning needs no read first) or the column is overwritten by a value
 * that is inline or names another owner. A value rewritten under its own owner is left alone:
 * `put` has just replaced those parts. Free for inline values: the WHEN clause is false.
 *
 * What this returns is part of released migrations: never change it (its trigger names, its
 * SQL); add a new function for a new behaviour. Note that `INSERT OR REPLACE` deletes without
 * firing delete triggers (SQLite's recursive_triggers is off): write such columns by upsert.
 */
export function chunkCleanupTriggers(table: string, column: string): string {
  const oldOwner = ownerSql('old', column)
  return `CREATE TRIGGER ${table}_${column}_chunks_on_update AFTER UPDATE OF ${column} ON ${table}
       WHEN ${oldOwner} IS NOT NULL AND ${oldOwner} IS NOT ${ownerSql('new', column)}
       BEGIN DELETE FROM inngest_chunks WHERE owner = ${oldOwner}; END;
     CREATE TRIGGER ${table}_${column}_chunks_on_delete AFTER DELETE ON ${table}
       WHEN ${oldOwner} IS NOT NULL
       BEGIN DELETE FROM inngest_chunks WHERE owner = ${oldOwner}; END;`
}
