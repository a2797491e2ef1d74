/**
 * Typed access to one run index shard: record entries (a later state wins), list a page
 * newest first with filters, count, find by run or event id; and the sign-in failures the
 * dashboard's rate limit counts. The clock comes in as `now`.
 */
import type { IndexedRunStatus, RunIndexEntry } from '../../machines/run-index-entry.js'
import { SqlStore } from '../storage/sql-store.js'
import { RUN_INDEX_SCHEMA } from './run-index-schema.js'

/** A position in the newest-first listing: strictly older than this run. */
export interface RunCursor {
  readonly queuedAt: number
  readonly runId: string
}

/** Which runs a page or a count takes. Times are epoch ms on `queuedAt`, `from` inclusive, `to` exclusive. */
export interface RunIndexFilter {
  readonly statuses?: readonly IndexedRunStatus[]
  readonly functionId?: string
  readonly from?: number
  readonly to?: number
}

/** A page of the listing. */
export interface RunIndexQuery extends RunIndexFilter {
  readonly before?: RunCursor
  readonly limit: number
}

const FINISHED: ReadonlySet<IndexedRunStatus> = new Set(['Completed', 'Failed', 'Cancelled', 'Skipped'])

/** How far along an entry is: 0 queued, 1 started, 2 finished. A lower rank never overwrites a higher one. */
export function entryRank(entry: RunIndexEntry): number {
  if (entry.endedAt !== null || FINISHED.has(entry.status)) return 2
  return entry.startedAt !== null ? 1 : 0
}

const COLUMNS = 'run_id, function_id, status, event_id, event_name, queued_at, started_at, ended_at, host'

type Row = [string, string, string, string | null, string | null, number, number | null, number | null, string | null]

/** Row mapper: the values of `COLUMNS`, positionally. */
function toEntry([runId, functionId, status, eventId, eventName, queuedAt, startedAt, endedAt, host]: Row): RunIndexEntry {
  return { runId, functionId, status: status as IndexedRunStatus, eventId, eventName, queuedAt, startedAt, endedAt, ...(host ? { host: JSON.parse(host) } : {}) }
}

/** The WHERE clause and parameters of `filter` (and a cursor), for the listing and the count. */
function whereOf(filter: RunIndexFilter, before?: RunCursor): { where: string; params: SqlStorageValue[] } {
  const clauses: string[] = []
  const params: SqlStorageValue[] = []
  if (filter.statuses && filter.statuses.length > 0) {
    clauses.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`)
    params.push(...filter.statuses)
  }
  if (filter.functionId !== undefined) clauses.push('function_id = ?'), params.push(filter.functionId)
  if (filter.from !== undefined) clauses.push('queued_at >= ?'), params.push(filter.from)
  if (filter.to !== undefined) clauses.push('queued_at < ?'), params.push(filter.to)
  if (before) clauses.push('(queued_at, run_id) < (?, ?)'), params.push(before.queuedAt, before.runId)
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params }
}

export class RunIndexStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, RUN_INDEX_SCHEMA)
  }

  /**
   * Upserts entries in one transaction; returns those that changed a row. An entry replaces the
   * stored one only when it is as far along (rank) and differs, so recording the same entry
   * twice writes nothing, and a finished run is never set back to Running.
   */
  record(entries: readonly RunIndexEntry[]): RunIndexEntry[] {
    return this.transaction(() =>
      entries.filter((entry) => {
        const cursor = this.sql.exec(
          `INSERT INTO inngest_runs (${COLUMNS}, rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id) DO UPDATE SET
             function_id = excluded.function_id, status = excluded.status, event_id = excluded.event_id,
             event_name = excluded.event_name, queued_at = excluded.queued_at, started_at = excluded.started_at,
             ended_at = excluded.ended_at, host = excluded.host, rank = excluded.rank
           WHERE excluded.rank > inngest_runs.rank
              OR (excluded.rank = inngest_runs.rank AND (excluded.status IS NOT inngest_runs.status
                  OR excluded.started_at IS NOT inngest_runs.started_at OR excluded.ended_at IS NOT inngest_runs.ended_at))`,
          entry.runId,
          entry.functionId,
          entry.status,
          entry.eventId,
          entry.eventName,
          entry.queuedAt,
          entry.startedAt,
          entry.endedAt,
          entry.host ? JSON.stringify(entry.host) : null,
          entryRank(entry),
        )
        return cursor.rowsWritten > 0
      }),
    )
  }

  /** Newest first (queued time, then run id), filtered, strictly before the cursor. */
  list(query: RunIndexQuery): RunIndexEntry[] {
    const { where, params } = whereOf(query, query.before)
    const rows = this.sql.exec(`SELECT ${COLUMNS} FROM inngest_runs ${where} ORDER BY queued_at DESC, run_id DESC LIMIT ?`, ...params, query.limit).raw()
    return [...rows].map((row) => toEntry(row as Row))
  }

  /** How many runs the filter takes. */
  count(filter: RunIndexFilter): number {
    const { where, params } = whereOf(filter)
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM inngest_runs ${where}`, ...params).one().n
  }

  find(runId: string): RunIndexEntry | null {
    const [row] = [...this.sql.exec(`SELECT ${COLUMNS} FROM inngest_runs WHERE run_id = ?`, runId).raw()]
    return row ? toEntry(row as Row) : null
  }

  /** The runs event `eventId` triggered (as their first trigger event). */
  byEvent(eventId: string): RunIndexEntry[] {
    return [...this.sql.exec(`SELECT ${COLUMNS} FROM inngest_runs WHERE event_id = ?`, eventId).raw()].map((row) => toEntry(row as Row))
  }

  /** Failed sign-ins from `client` since `since`. */
  loginFailuresSince(client: string, since: number): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM inngest_login_failures WHERE client = ? AND at >= ?', client, since).one().n
  }

  /** Notes a failed sign-in from `client` and forgets every failure older than `forgetBefore`. */
  noteLoginFailure(client: string, now: number, forgetBefore: number): void {
    this.transaction(() => {
      this.sql.exec('DELETE FROM inngest_login_failures WHERE at < ?', forgetBefore)
      this.sql.exec('INSERT INTO inngest_login_failures (client, at) VALUES (?, ?)', client, now)
    })
  }
}
