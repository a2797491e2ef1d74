/**
 * Typed access to a flow gate actor's storage: the gate row (the pure core's state JSON), the
 * subjects already decided, and the run starts decided but not yet confirmed. A decision costs
 * two row writes (state and subject); a start two more (recorded, then cleared). States and
 * starts carry events (a debounced one, a batch): a large one is stored in parts (`ChunkedText`).
 */
import type { RunEventPayload } from '../engine/executor.js'
import { ChunkedText } from './chunked-text.js'
import { FLOW_GATE_SCHEMA } from './flow-gate-schema.js'
import { SqlStore } from './sql-store.js'

/** The flow-control option a gate actor hosts. */
export type FlowGateKind = 'rateLimit' | 'idempotency' | 'debounce' | 'batch' | 'singleton'

/** The gate as persisted: its option, function and the pure core's state. */
export interface FlowGateRow<State> {
  readonly kind: FlowGateKind
  /** Composite function id, `${appId}-${functionId}`. */
  readonly functionId: string
  readonly state: State
  /** When the state falls due (debounce, batch); null when nothing waits. */
  readonly wakeAt: number | null
}

/** A run start the gate decided; cleared once the run actor (or singleton gate) confirmed it. */
export interface PendingStart {
  readonly runId: string
  readonly functionId: string
  readonly events: readonly RunEventPayload[]
  /** Record the run as skipped with this reason instead of running it. */
  readonly skip?: string
  /** A run to cancel first (singleton `cancel`). */
  readonly cancel?: string
  /** Start the run actor directly: the singleton gate was already passed (or is this gate). */
  readonly direct?: boolean
}

/** How long a decided subject is remembered: queue redeliveries come well within it. */
export const SEEN_RETENTION_MS = 24 * 60 * 60 * 1000
/** Rows pruned per call, so pruning never stalls the object. */
const PRUNE_BATCH = 100

type Row = Record<string, string | number | null>

/** One gate's tables; construct it in the actor's `blockConcurrencyWhile` (it migrates). */
export class FlowGateStore extends SqlStore {
  private readonly chunks: ChunkedText

  constructor(storage: DurableObjectStorage) {
    super(storage, FLOW_GATE_SCHEMA)
    this.chunks = new ChunkedText(this.sql)
  }

  read<State>(): FlowGateRow<State> | null {
    const row = this.sql.exec<Row>('SELECT * FROM inngest_flow_gate WHERE id = 1').toArray()[0]
    if (!row) return null
    return {
      kind: row.kind as FlowGateKind,
      functionId: String(row.function_id),
      state: JSON.parse(this.chunks.get(String(row.state))) as State,
      wakeAt: row.wake_at === null || row.wake_at === undefined ? null : Number(row.wake_at),
    }
  }

  /** Writes the gate (the one write path for its row). */
  write<State>(gate: FlowGateRow<State>): void {
    this.sql.exec(
      `INSERT INTO inngest_flow_gate (id, kind, function_id, state, wake_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, function_id = excluded.function_id, state = excluded.state, wake_at = excluded.wake_at`,
      gate.kind,
      gate.functionId,
      this.chunks.put('gate:state', JSON.stringify(gate.state)),
      gate.wakeAt,
    )
  }

  /** The outcome recorded for `subject` (an event id, or a run id for singleton), if any. */
  outcome(subject: string): string | null {
    const row = this.sql.exec<{ outcome: string }>('SELECT outcome FROM inngest_flow_gate_seen WHERE subject = ?', subject).toArray()[0]
    return row ? row.outcome : null
  }

  /** Records the outcome for `subject`, and forgets subjects past retention (a bounded batch). */
  remember(subject: string, outcome: string, at: number): void {
    this.sql.exec(
      'DELETE FROM inngest_flow_gate_seen WHERE subject IN (SELECT subject FROM inngest_flow_gate_seen WHERE seen_at < ? ORDER BY seen_at LIMIT ?)',
      at - SEEN_RETENTION_MS,
      PRUNE_BATCH,
    )
    this.sql.exec('INSERT OR IGNORE INTO inngest_flow_gate_seen (subject, outcome, seen_at) VALUES (?, ?, ?)', subject, outcome, at)
  }

  starts(): PendingStart[] {
    return this.sql
      .exec<{ request: string }>('SELECT request FROM inngest_flow_gate_starts ORDER BY run_id')
      .toArray()
      .map((row) => JSON.parse(this.chunks.get(row.request)) as PendingStart)
  }

  hasStart(runId: string): boolean {
    return this.sql.exec('SELECT 1 FROM inngest_flow_gate_starts WHERE run_id = ?', runId).toArray().length > 0
  }

  addStart(start: PendingStart): void {
    // An upsert, not INSERT OR REPLACE: a replace fires no delete trigger, so parts would stay.
    this.sql.exec(
      'INSERT INTO inngest_flow_gate_starts (run_id, request) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET request = excluded.request',
      start.runId,
      this.chunks.put(`gate:start:${start.runId}`, JSON.stringify(start)),
    )
  }

  deleteStart(runId: string): void {
    this.sql.exec('DELETE FROM inngest_flow_gate_starts WHERE run_id = ?', runId)
  }
}
