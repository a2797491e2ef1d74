/**
 * Typed access to an event stream actor's storage: recent events of one name (for lookback)
 * and the waits and cancellations registered against it.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { SqlStore } from './sql-store.js'
import { STREAM_SCHEMA } from './stream-schema.js'

/** How long events are kept for lookback: a wait sees events of at most this age. */
export const STREAM_RETENTION_MS = 7 * 24 * 60 * 60 * 1000
/** Rows pruned per ingest at least, so pruning never stalls the object. */
const PRUNE_BATCH = 100

/**
 * Where a run lives when a Durable Object of the user's hosts it (`RunHost`): the env binding
 * of that namespace and the name its object is addressed by (`idFromName(name)`). Absent, the
 * run lives in its own `RunActor`, `INNGEST_RUNS` by run id.
 */
export interface RunAddress {
  readonly binding: string
  readonly name: string
}

/** A wait (`step.waitForEvent`) or cancellation (`cancelOn`) registered against an event name. */
export interface WaitRegistration {
  readonly runId: string
  readonly stepKey: string
  readonly kind: 'wait' | 'cancel'
  /** The event name awaited (the stream this registration lives in). */
  readonly event: string
  /** CEL over `event` (the run's trigger) and `async` (the candidate); null matches any event. */
  readonly expression: string | null
  readonly trigger: RunEventPayload
  /** Only events with `ts` at or after this count (the run's trigger time). */
  readonly sinceTs: number
  /** Only events with `ts` at or before this count (the timeout). */
  readonly expiresAt: number
  /** The object hosting the run, when not its own `RunActor`: where a match is delivered. */
  readonly host?: RunAddress
}

/** A registration an event resolved: the run to answer (at `host`, if set) and its step. */
export interface StreamMatch {
  readonly kind: 'wait' | 'cancel'
  readonly runId: string
  readonly stepKey: string
  readonly host?: RunAddress
}

interface StoredRegistration extends WaitRegistration {
  readonly resolvedBy: string | null
}

type Row = Record<string, string | number | null>

/** The `host` column: NULL (rows from before migration 2 too) means the run's own RunActor. */
function hostOf(row: Row): { host?: RunAddress } {
  return row.host == null ? {} : { host: JSON.parse(String(row.host)) as RunAddress }
}

function toRegistration(row: Row): StoredRegistration {
  return {
    runId: String(row.run_id),
    stepKey: String(row.step_key),
    kind: row.kind as 'wait' | 'cancel',
    event: String(row.event),
    expression: (row.expression as string | null) ?? null,
    trigger: JSON.parse(String(row.trigger)) as RunEventPayload,
    sinceTs: Number(row.since_ts),
    expiresAt: Number(row.expires_at),
    resolvedBy: (row.resolved_by as string | null) ?? null,
    ...hostOf(row),
  }
}

export class StreamStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, STREAM_SCHEMA)
  }

  /**
   * Drops events past retention and registrations long expired, a bounded batch at a time:
   * at least `appended` (the events just ingested), so the table stays bounded.
   */
  prune(now: number, appended = 1): void {
    const horizon = now - STREAM_RETENTION_MS
    const limit = Math.max(PRUNE_BATCH, appended)
    this.sql.exec('DELETE FROM inngest_stream_events WHERE seq IN (SELECT seq FROM inngest_stream_events WHERE received_at < ? ORDER BY seq LIMIT ?)', horizon, limit)
    this.sql.exec(
      'DELETE FROM inngest_stream_waits WHERE (run_id, step_key) IN (SELECT run_id, step_key FROM inngest_stream_waits WHERE expires_at < ? LIMIT ?)',
      horizon,
      limit,
    )
  }

  /** Appends an event unless it is already recorded (redelivery). */
  appendEvent(event: RunEventPayload, receivedAt: number): void {
    this.sql.exec('INSERT OR IGNORE INTO inngest_stream_events (id, ts, received_at, payload) VALUES (?, ?, ?, ?)', event.id, event.ts, receivedAt, JSON.stringify(event))
  }

  event(id: string): RunEventPayload | null {
    const row = this.sql.exec<{ payload: string }>('SELECT payload FROM inngest_stream_events WHERE id = ?', id).toArray()[0]
    return row ? (JSON.parse(row.payload) as RunEventPayload) : null
  }

  /** Events with `ts` at or after `sinceTs`, in arrival order. */
  eventsSince(sinceTs: number): RunEventPayload[] {
    return this.sql
      .exec<{ payload: string }>('SELECT payload FROM inngest_stream_events WHERE ts >= ? ORDER BY seq', sinceTs)
      .toArray()
      .map((row) => JSON.parse(row.payload) as RunEventPayload)
  }

  /** Unresolved registrations, oldest first: an event goes to a run's earliest wait. */
  openRegistrations(): StoredRegistration[] {
    return this.sql.exec<Row>('SELECT * FROM inngest_stream_waits WHERE resolved_by IS NULL ORDER BY registered_seq').toArray().map(toRegistration)
  }

  /** Events that already resolved one of `runId`'s waits: each resolves at most one per run. */
  consumedBy(runId: string): Set<string> {
    const rows = this.sql.exec<{ resolved_by: string }>("SELECT resolved_by FROM inngest_stream_waits WHERE run_id = ? AND kind = 'wait' AND resolved_by IS NOT NULL", runId)
    return new Set(rows.toArray().map((row) => row.resolved_by))
  }

  registration(runId: string, stepKey: string): StoredRegistration | undefined {
    const row = this.sql.exec<Row>('SELECT * FROM inngest_stream_waits WHERE run_id = ? AND step_key = ?', runId, stepKey).toArray()[0]
    return row ? toRegistration(row) : undefined
  }

  insertRegistration(registration: WaitRegistration, resolvedBy: string | null): void {
    this.sql.exec(
      `INSERT INTO inngest_stream_waits (run_id, step_key, kind, event, expression, trigger, since_ts, expires_at, resolved_by, host, registered_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(registered_seq), 0) + 1 FROM inngest_stream_waits))`,
      registration.runId,
      registration.stepKey,
      registration.kind,
      registration.event,
      registration.expression,
      JSON.stringify(registration.trigger),
      registration.sinceTs,
      registration.expiresAt,
      resolvedBy,
      registration.host ? JSON.stringify({ binding: registration.host.binding, name: registration.host.name }) : null,
    )
  }

  resolve(runId: string, stepKey: string, eventId: string): void {
    this.sql.exec('UPDATE inngest_stream_waits SET resolved_by = ? WHERE run_id = ? AND step_key = ? AND resolved_by IS NULL', eventId, runId, stepKey)
  }

  resolvedBy(eventId: string): StreamMatch[] {
    return this.sql
      .exec<Row>('SELECT run_id, step_key, kind, host FROM inngest_stream_waits WHERE resolved_by = ?', eventId)
      .toArray()
      .map((row) => ({ kind: row.kind as 'wait' | 'cancel', runId: String(row.run_id), stepKey: String(row.step_key), ...hostOf(row) }))
  }

  forget(runId: string): void {
    this.sql.exec('DELETE FROM inngest_stream_waits WHERE run_id = ?', runId)
  }

  /**
   * Closes a registration whose run stopped waiting (timed out). If an event raced in and was
   * marked for it, that event is released: the run never took it, so its later waits may.
   */
  close(runId: string, stepKey: string): void {
    this.sql.exec("UPDATE inngest_stream_waits SET resolved_by = '#closed' WHERE run_id = ? AND step_key = ?", runId, stepKey)
  }
}
