/**
 * Typed access to an event stream actor's storage: recent events of one name (for lookback)
 * and the waits and cancellations registered against it, filed for indexed matching
 * (engine/match-key.ts). Large payloads and triggers are stored in parts (chunked-text.ts).
 */
import type { RunAddress, RunEventPayload, WaitRegistration } from '../../machines/index.js'
import { eventKeyAt, matchKeyOf } from '../engine/match-key.js'
import { positiveSetting } from '../engine/positive-setting.js'
import { ChunkedText, markerOnlySql } from './chunked-text.js'
import { SqlStore } from './sql-store.js'
import { STREAM_SCHEMA } from './stream-schema.js'

/** How long events are kept for lookback by default: a wait sees events of at most this age. */
export const STREAM_RETENTION_MS = 7 * 24 * 60 * 60 * 1000
const HOUR_MS = 60 * 60 * 1000

/**
 * The lookback a worker configured (`INNGEST_LOOKBACK_HOURS`, a positive number of hours), else
 * the default. Shorter keeps a busy name's stream smaller (its storage bounds its sustained rate);
 * a wait registered later than this after its trigger no longer sees events from before.
 */
export function lookbackRetentionMs(configured: string | undefined, fallback = STREAM_RETENTION_MS): number {
  return positiveSetting(configured, fallback, { unit: HOUR_MS })
}

/**
 * The default lookback of the runs' system events' streams (`inngest/function.finished` …): one
 * per app, fed by every finished run. Lookback there covers the race it exists for (a child run
 * finishing before its parent's wait registers: seconds), and an hour keeps that one object to
 * ~3,800 finished runs/s sustained in 10 GB instead of ~23 at a week. `INNGEST_SYSTEM_LOOKBACK_HOURS` changes it.
 */
export const SYSTEM_STREAM_RETENTION_MS = HOUR_MS
/** Rows pruned per ingest at least, so pruning never stalls the object. */
const PRUNE_BATCH = 100
/** Events larger than this (JSON, UTF-16 units) are recorded slim when the index keeps them as long. */
export const SLIM_ABOVE = 2_048
/** The payload column of a slim row: never JSON, so never an event's text. */
const IN_THE_INDEX = ''

/** What an exclusive registration refused for a conflict is resolved by (never an event id). */
export const CONFLICT = '#conflict'

/** Thrown when slim rows' payloads are needed: the actor fetches them from the index and retries. */
export class NeedPayloads extends Error {
  override name = 'NeedPayloads'
  constructor(readonly ids: readonly string[]) {
    super(`payloads of ${ids.length} slim stream rows are in the event index`)
  }
}

/** Events read per page of a lookback: memory stays bounded however long the lookback. */
const LOOKBACK_PAGE = 100

// Where a run lives and what a registration holds are the machine's data (machines/run-effects.ts).
export type { RunAddress, WaitRegistration }

/** A registration an event resolved: the run to answer (at `host`, if set) and its step. */
export interface StreamMatch {
  readonly kind: 'wait' | 'cancel'
  readonly runId: string
  readonly stepKey: string
  readonly host?: RunAddress
}

/** An open registration as matching reads it: the trigger is parsed only if its condition is evaluated. */
export interface OpenRegistration extends Omit<WaitRegistration, 'trigger'> {
  readonly registeredSeq: number
  trigger(): RunEventPayload
}

/** An event as a stream recorded it: when it arrived orders it among its name's events. */
export interface RecordedEvent {
  readonly event: RunEventPayload
  readonly receivedAt: number
}

type Row = Record<string, string | number | null>

/** The `host` column: NULL (rows from before migration 2 too) means the run's own RunActor. */
function hostOf(row: Row): { host?: RunAddress } {
  return row.host == null ? {} : { host: JSON.parse(String(row.host)) as RunAddress }
}

const OPEN_COLUMNS = 'run_id, step_key, kind, event, expression, trigger, since_ts, expires_at, host, registered_seq'

export class StreamStore extends SqlStore {
  private readonly chunks: ChunkedText
  /** The paths open registrations are filed under (undefined: not read yet). */
  private keyedPaths: Set<string> | undefined
  private nextSeq: number | undefined

  constructor(
    storage: DurableObjectStorage,
    private readonly retentionMs = STREAM_RETENTION_MS,
  ) {
    super(storage, STREAM_SCHEMA)
    this.chunks = new ChunkedText(this.sql)
  }

  /**
   * Drops events past retention and registrations long expired, a bounded batch at a time:
   * at least `appended` (the events just ingested), so the table stays bounded. Each statement
   * reads at most its batch (by primary key or index), however large the tables.
   */
  prune(now: number, appended = 1, retentionMs = this.retentionMs): void {
    const horizon = now - retentionMs
    const limit = Math.max(PRUNE_BATCH, appended)
    // The oldest rows by seq, of those the expired ones: rows are appended with the receiving
    // clock, so received_at grows with seq.
    const events = this.sql
      .exec<{ marker: string | null }>(
        `DELETE FROM inngest_stream_events WHERE seq IN (SELECT seq FROM inngest_stream_events ORDER BY seq LIMIT ?) AND received_at < ? RETURNING ${markerOnlySql('payload')} AS marker`,
        limit,
        horizon,
      )
      .toArray()
    const waits = this.sql
      .exec<{ marker: string | null }>(
        `DELETE FROM inngest_stream_waits WHERE (run_id, step_key) IN (SELECT run_id, step_key FROM inngest_stream_waits WHERE expires_at < ? ORDER BY expires_at LIMIT ?) RETURNING ${markerOnlySql('trigger')} AS marker`,
        horizon,
        limit,
      )
      .toArray()
    for (const row of [...events, ...waits]) this.chunks.dropStored(row.marker)
  }

  /**
   * Appends an event unless it is already recorded (redelivery). With `slim`, an event larger
   * than SLIM_ABOVE is recorded without its payload, which the event index already holds: its
   * row is ~100 B however large the event (the payload is fetched when a lookback reaches it).
   */
  appendEvent(event: RunEventPayload, receivedAt: number, slim = false): void {
    const json = JSON.stringify(event)
    // A redelivered large event rewrites its parts under the same owner, identical: harmless.
    const payload = slim && json.length > SLIM_ABOVE ? IN_THE_INDEX : this.chunks.put(`event:${event.id}`, json)
    this.sql.exec('INSERT OR IGNORE INTO inngest_stream_events (id, ts, received_at, payload) VALUES (?, ?, ?, ?)', event.id, event.ts, receivedAt, payload)
  }

  /**
   * Payloads of slim rows, fetched from the event index by the actor (null: the index no longer
   * has it, and the event counts as gone). Reading a slim row not in here throws `NeedPayloads`.
   */
  readonly fetched = new Map<string, RunEventPayload | null>()

  event(id: string): RunEventPayload | null {
    return this.recorded(id)?.event ?? null
  }

  /** Event `id` as recorded here, with when it arrived (null: not here, or its payload is gone). */
  recorded(id: string): RecordedEvent | null {
    const row = this.sql.exec<{ id: string; payload: string; received_at: number }>('SELECT id, payload, received_at FROM inngest_stream_events WHERE id = ?', id).toArray()[0]
    if (!row) return null
    const event = this.payloadOf(row)
    return event ? { event, receivedAt: row.received_at } : null
  }

  /**
   * The first event, in arrival order, with `ts` at or after `sinceTs` that `accept` takes: read
   * a page at a time, so memory stays bounded and the scan stops at the first match.
   * @throws NeedPayloads when it reaches slim rows whose payloads are not fetched yet
   */
  findSince(sinceTs: number, accept: (event: RunEventPayload) => boolean): RecordedEvent | undefined {
    // Where the events since `sinceTs` begin, from the ts index alone (no payload read): a wait
    // registered soon after its trigger pages through the few events since, not the whole table.
    const first = this.sql.exec<{ seq: number | null }>('SELECT MIN(seq) AS seq FROM inngest_stream_events INDEXED BY inngest_stream_events_ts WHERE ts >= ?', sinceTs).one().seq
    if (first === null) return undefined
    for (let after = first - 1; ; ) {
      const page = this.sql
        .exec<{ seq: number; id: string; payload: string; received_at: number }>('SELECT seq, id, payload, received_at FROM inngest_stream_events WHERE seq > ? AND ts >= ? ORDER BY seq LIMIT ?', after, sinceTs, LOOKBACK_PAGE)
        .toArray()
      // Every slim row of the page at once: one round of fetching per page, not per event.
      const missing = page.filter((row) => row.payload === IN_THE_INDEX && !this.fetched.has(row.id)).map((row) => row.id)
      if (missing.length > 0) throw new NeedPayloads(missing)
      for (const row of page) {
        const event = this.payloadOf(row)
        if (event && accept(event)) return { event, receivedAt: row.received_at }
      }
      if (page.length < LOOKBACK_PAGE) return undefined
      after = page.at(-1)!.seq
    }
  }

  /** A row's event: parsed, or for a slim row the fetched payload. */
  private payloadOf(row: { id: string; payload: string }): RunEventPayload | null {
    if (row.payload !== IN_THE_INDEX) return this.parse<RunEventPayload>(row.payload)
    const fetched = this.fetched.get(row.id)
    if (fetched === undefined) throw new NeedPayloads([row.id])
    return fetched
  }

  /**
   * The open registrations `event` could satisfy, oldest first (an event goes to a run's earliest
   * wait): those filed under the event's own value at each indexed path, and every unindexed one.
   */
  candidatesFor(event: RunEventPayload): OpenRegistration[] {
    // INDEXED BY: without statistics the planner would walk every open registration instead.
    const rows: Row[] = this.sql
      .exec<Row>(`SELECT ${OPEN_COLUMNS} FROM inngest_stream_waits INDEXED BY inngest_stream_waits_scanned WHERE resolved_by IS NULL AND match_path IS NULL ORDER BY registered_seq`)
      .toArray()
    for (const path of this.paths()) {
      const key = eventKeyAt(event, path)
      if (key === null) continue
      rows.push(...this.sql.exec<Row>(`SELECT ${OPEN_COLUMNS} FROM inngest_stream_waits WHERE match_path = ? AND match_key = ? AND resolved_by IS NULL`, path, key).toArray())
    }
    return rows.map((row) => this.toOpen(row)).sort((a, b) => a.registeredSeq - b.registeredSeq)
  }

  /** `runId`'s open waits here, oldest first (where an event a closed wait released may go). */
  openWaitsOf(runId: string): OpenRegistration[] {
    return this.sql
      .exec<Row>(`SELECT ${OPEN_COLUMNS} FROM inngest_stream_waits WHERE run_id = ? AND kind = 'wait' AND resolved_by IS NULL ORDER BY registered_seq`, runId)
      .toArray()
      .map((row) => this.toOpen(row))
  }

  /** Whether a wait of another run than `runId` is open here and not past its timeout. */
  hasOtherOpenWait(runId: string, now: number): boolean {
    return this.sql.exec("SELECT 1 FROM inngest_stream_waits WHERE resolved_by IS NULL AND kind = 'wait' AND run_id != ? AND expires_at >= ? LIMIT 1", runId, now).toArray().length > 0
  }

  /** Whether any registration is open (most names have none: their ingest looks no further). */
  hasOpenRegistrations(): boolean {
    return this.sql.exec('SELECT 1 FROM inngest_stream_waits WHERE resolved_by IS NULL LIMIT 1').toArray().length > 0
  }

  /** Events that already resolved one of `runId`'s waits: each resolves at most one per run. */
  consumedBy(runId: string): Set<string> {
    const rows = this.sql.exec<{ resolved_by: string }>("SELECT resolved_by FROM inngest_stream_waits WHERE run_id = ? AND kind = 'wait' AND resolved_by IS NOT NULL", runId)
    return new Set(rows.toArray().map((row) => row.resolved_by))
  }

  /** Whether `runId`'s step has a registration here, and the event that resolved it (null: open or closed without one). */
  registration(runId: string, stepKey: string): { resolvedBy: string | null } | undefined {
    return this.sql.exec<{ resolvedBy: string | null }>('SELECT resolved_by AS resolvedBy FROM inngest_stream_waits WHERE run_id = ? AND step_key = ?', runId, stepKey).toArray()[0]
  }

  insertRegistration(registration: WaitRegistration, resolvedBy: string | null): void {
    const match = matchKeyOf(registration.expression, registration.trigger)
    const owner = `trigger:${registration.runId}:${registration.stepKey}`
    this.nextSeq ??= (this.sql.exec<{ seq: number | null }>('SELECT MAX(registered_seq) AS seq FROM inngest_stream_waits').one().seq ?? 0) + 1
    this.sql.exec(
      `INSERT INTO inngest_stream_waits (run_id, step_key, kind, event, expression, trigger, since_ts, expires_at, resolved_by, host, registered_seq, match_path, match_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      registration.runId,
      registration.stepKey,
      registration.kind,
      registration.event,
      registration.expression,
      this.chunks.put(owner, JSON.stringify(registration.trigger)),
      registration.sinceTs,
      registration.expiresAt,
      resolvedBy,
      registration.host ? JSON.stringify({ binding: registration.host.binding, name: registration.host.name, ...(registration.host.entity ? { entity: true } : {}) }) : null,
      this.nextSeq++,
      match?.path ?? null,
      match?.key ?? null,
    )
    if (match && resolvedBy === null) this.keyedPaths?.add(match.path)
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
    const dropped = this.sql.exec<{ marker: string | null }>(`DELETE FROM inngest_stream_waits WHERE run_id = ? RETURNING ${markerOnlySql('trigger')} AS marker`, runId).toArray()
    for (const row of dropped) this.chunks.dropStored(row.marker)
  }

  /**
   * Closes a registration whose run stopped waiting (timed out). If an event raced in and was
   * marked for it, that event is released: the run never took it, so its later waits may.
   */
  close(runId: string, stepKey: string): void {
    this.sql.exec("UPDATE inngest_stream_waits SET resolved_by = '#closed' WHERE run_id = ? AND step_key = ?", runId, stepKey)
  }

  /** The distinct paths open registrations are filed under, read once per object. */
  private paths(): Set<string> {
    this.keyedPaths ??= new Set(
      this.sql
        .exec<{ path: string }>('SELECT DISTINCT match_path AS path FROM inngest_stream_waits WHERE resolved_by IS NULL AND match_path IS NOT NULL')
        .toArray()
        .map((row) => row.path),
    )
    return this.keyedPaths
  }

  private toOpen(row: Row): OpenRegistration {
    let trigger: RunEventPayload | undefined
    return {
      runId: String(row.run_id),
      stepKey: String(row.step_key),
      kind: row.kind as 'wait' | 'cancel',
      event: String(row.event),
      expression: (row.expression as string | null) ?? null,
      sinceTs: Number(row.since_ts),
      expiresAt: Number(row.expires_at),
      registeredSeq: Number(row.registered_seq),
      trigger: () => (trigger ??= this.parse<RunEventPayload>(String(row.trigger))),
      ...hostOf(row),
    }
  }

  private parse<T>(stored: string): T {
    return JSON.parse(this.chunks.get(stored)) as T
  }
}
