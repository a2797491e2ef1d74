/**
 * Where one engine step's time goes: each piece of the run host's work, repeated in a tight loop
 * inside a Durable Object so that a millisecond clock resolves microseconds. A completed step
 * costs one step-row upsert; a control transition (sleep, wait, retry, …) costs an XState
 * transition, the snapshot's JSON and a storage transaction (step row + snapshot). For scale:
 * the floor's single insert, and the replay read of a 1,000-step run. What the pieces do not
 * cover (the handler pass, promises, RPC) is the remainder.
 */
import { advanceRun, initialRunSnapshot, persistRunSnapshot, type RunInput, type RunSnapshot } from '../machines/index.js'
import { RunStore } from '../actors/storage/run-store.js'
import type { StepRow } from '../actors/storage/step-row.js'
import { RowCounter } from './row-counter.js'
import { fixed, textTable } from './stats.js'

/** One piece of work: its cost per step (or per row read) and, for writes, the rows it writes. */
export interface BreakdownRow {
  readonly piece: string
  readonly micros: number
  readonly rowsPerStep: number | null
}

function runInput(at: number): RunInput {
  const retry = { attempts: 4, backoff: 'exponential', initialDelayMs: 1_000, maxDelayMs: 60_000 } as const
  return { runId: '01BENCH0000000000000000000', functionId: 'shop-bench-program', retry, maxSteps: 1e9, at }
}

function runningSnapshot(at: number): RunSnapshot {
  return advanceRun(initialRunSnapshot(runInput(at)), { type: 'RUN.START', at })
}

function stepRow(label: string, i: number, at: number): StepRow {
  const key = `${label}${i}`
  return { key, id: key, kind: 'run', position: i, concurrent: false, status: 'completed', attempts: 0, output: String(i), error: null, startedAt: at, endedAt: at, wakeAt: null }
}

/** Mean µs of `iterations` calls of `piece` (the clock only resolves whole milliseconds). */
function microsPer(iterations: number, piece: (i: number) => void): number {
  const started = performance.now()
  for (let i = 0; i < iterations; i++) piece(i)
  return ((performance.now() - started) * 1_000) / iterations
}

/** A piece of per-step work, set up on `target` storage; called once per step `i`. */
type Piece = (target: DurableObjectStorage) => (i: number) => void

/** Rows written per call of `piece`, over a few calls on counted storage. */
function rowsPer(storage: DurableObjectStorage, piece: Piece): number {
  const counter = new RowCounter()
  const call = piece(counter.wrapStorage(storage))
  const before = counter.counts().rowsWritten
  const calls = 20
  for (let i = 0; i < calls; i++) call(1e9 + i)
  return (counter.counts().rowsWritten - before) / calls
}

/** Measures each piece `iterations` times on `storage` (a scratch Durable Object's). */
export function measureBreakdown(storage: DurableObjectStorage, iterations: number): BreakdownRow[] {
  const at = Date.now()
  storage.sql.exec('CREATE TABLE IF NOT EXISTS bench_floor (key TEXT PRIMARY KEY, output TEXT NOT NULL) WITHOUT ROWID')

  let snapshot = runningSnapshot(at)
  const transition = microsPer(iterations, () => {
    snapshot = advanceRun(snapshot, { type: 'SLEEP.REQUESTED', stepKey: 's', wakeAt: at + 1_000, at })
  })
  const snapshotJson = microsPer(iterations, () => void JSON.stringify(persistRunSnapshot(snapshot)))

  const engineWrite: Piece = (target) => {
    const store = new RunStore(target)
    return (i) =>
      store.transaction(() => {
        store.writeStep(stepRow('e', i, at))
        store.writeSnapshot(persistRunSnapshot(snapshot))
      })
  }
  const completedStep: Piece = (target) => {
    const store = new RunStore(target)
    return (i) => store.writeStep(stepRow('r', i, at))
  }
  const floorWrite: Piece = (target) => (i) => void target.sql.exec('INSERT INTO bench_floor (key, output) VALUES (?, ?)', `f${i}`, String(i))
  const storagePiece = (piece: string, write: Piece): BreakdownRow => ({ piece, micros: microsPer(iterations, write(storage)), rowsPerStep: rowsPer(storage, write) })
  const rows = [
    { piece: 'XState transition (advanceRun SLEEP.REQUESTED)', micros: transition, rowsPerStep: null },
    { piece: 'snapshot JSON (persistRunSnapshot + stringify)', micros: snapshotJson, rowsPerStep: null },
    { piece: 'empty transactionSync', micros: microsPer(iterations, () => storage.transactionSync(() => undefined)), rowsPerStep: null },
    storagePiece('engine, completed step: writeStep (one upsert)', completedStep),
    storagePiece('engine, control transition: txn(writeStep + writeSnapshot)', engineWrite),
    storagePiece('floor: one INSERT', floorWrite),
  ]

  // The replay read: every row of a 1,000-step run, as the host reads them on every pass.
  const replayStore = new RunStore(storage)
  storage.sql.exec('DELETE FROM inngest_steps')
  storage.transactionSync(() => {
    for (let i = 0; i < 1_000; i++) replayStore.writeStep(stepRow('k', i, at))
  })
  const readAll = microsPer(Math.max(5, Math.round(iterations / 100)), () => void replayStore.readSteps())
  rows.push({ piece: 'replay read: readSteps() of 1,000 rows, per row', micros: readAll / 1_000, rowsPerStep: null })
  return rows
}

/** The breakdown as a printed table. */
export function breakdownTable(iterations: number, rows: readonly BreakdownRow[]): string {
  return [
    `Profile: where an engine step's time goes (each piece looped ${iterations}× inside one Durable Object, mean)`,
    textTable(['piece', 'µs', 'rows written'], rows.map((row) => [row.piece, fixed(row.micros, 2), row.rowsPerStep === null ? '' : fixed(row.rowsPerStep, 2)])),
  ].join('\n')
}
