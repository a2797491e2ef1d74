/**
 * Where one engine step's time goes: each piece of the run host's per-step work, repeated in a
 * tight loop inside a Durable Object so that a millisecond clock resolves microseconds. Pieces
 * are the XState transition, the snapshot's JSON, the storage transaction with the step and
 * snapshot rows; for scale, the floor's single insert; and two variants the engine could adopt
 * (a transition on a reused actor scope, two-row writes). What the pieces do not cover (the
 * handler pass, promises, RPC) is the remainder.
 */
import { createActor, type AnyActorScope } from 'xstate'
import { advanceRun, initialRunSnapshot, persistRunSnapshot, runMachine, type RunEvent, type RunInput, type RunSnapshot } from '../machines/index.js'
import { RunStore } from '../actors/storage/run-store.js'
import type { StepRow } from '../actors/storage/step-row.js'
import { RowCounter } from './row-counter.js'
import { fixed, textTable } from './stats.js'

/** One piece of per-step work: its cost and, for storage pieces, the rows it writes. */
export interface BreakdownRow {
  readonly piece: string
  readonly microsPerStep: number
  readonly rowsPerStep: number | null
}

// The engine's step and state tables, WITHOUT ROWID, snapshot written by upsert: what the
// engine's per-step writes would cost with one b-tree per table.
const WHAT_IF_SCHEMA = `
  CREATE TABLE IF NOT EXISTS bench_steps (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, position INTEGER NOT NULL,
    concurrent INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, output TEXT,
    error TEXT, started_at INTEGER, ended_at INTEGER, wake_at INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS bench_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`

function runInput(at: number): RunInput {
  const retry = { attempts: 4, backoff: 'exponential', initialDelayMs: 1_000, maxDelayMs: 60_000 } as const
  return { runId: '01BENCH0000000000000000000', functionId: 'shop-many-steps', retry, maxSteps: 1e9, at }
}

function runningSnapshot(at: number): RunSnapshot {
  return advanceRun(initialRunSnapshot(runInput(at)), { type: 'RUN.START', at })
}

function stepRow(label: string, i: number, at: number): StepRow {
  const key = `${label}${i}`
  return { key, id: key, kind: 'run', position: i, concurrent: false, status: 'completed', attempts: 0, output: String(i), error: null, startedAt: at, endedAt: at, wakeAt: null }
}

/**
 * What `transition()` builds on every call (xstate's createInertActorScope: a whole actor, which
 * also computes the machine's initial snapshot), built once. The run machine has no children or
 * executable actions, so one scope can serve every transition.
 */
function reusedScope(at: number): AnyActorScope {
  const self = createActor(runMachine, { input: runInput(at) })
  const ignore = () => {}
  return { self, defer: ignore, id: '', logger: ignore, sessionId: '', stopChild: ignore, system: self.system, emit: ignore, actionExecutor: ignore } as unknown as AnyActorScope
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
  storage.sql.exec(WHAT_IF_SCHEMA)
  storage.sql.exec('CREATE TABLE IF NOT EXISTS bench_floor (key TEXT PRIMARY KEY, output TEXT NOT NULL) WITHOUT ROWID')

  let snapshot = runningSnapshot(at)
  const transition = microsPer(iterations, () => {
    snapshot = advanceRun(snapshot, { type: 'STEP.COMPLETED', stepKey: 's', at })
  })
  const scope = reusedScope(at)
  const stepCompleted: RunEvent = { type: 'STEP.COMPLETED', stepKey: 's', at }
  let reused = runningSnapshot(at)
  const reusedTransition = microsPer(iterations, () => {
    reused = runMachine.transition(reused, stepCompleted, scope)
  })
  if (reused.context.stepsRecorded !== iterations) throw new Error('the reused-scope transition diverged from advanceRun')
  const snapshotJson = microsPer(iterations, () => void JSON.stringify(persistRunSnapshot(snapshot)))

  const engineWrite: Piece = (target) => {
    const runStore = new RunStore(target)
    return (i) =>
      runStore.transaction(() => {
        runStore.writeStep(stepRow('e', i, at))
        runStore.writeSnapshot(persistRunSnapshot(snapshot))
      })
  }
  const whatIfWrite: Piece = (target) => (i) => {
    const row = stepRow('w', i, at)
    target.transactionSync(() => {
      target.sql.exec(
        'INSERT OR REPLACE INTO bench_steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        row.key, row.id, row.kind, row.position, 0, row.status, row.attempts, row.output, null, row.startedAt, row.endedAt, row.wakeAt,
      )
      target.sql.exec(
        'INSERT INTO bench_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        'snapshot', JSON.stringify(persistRunSnapshot(snapshot)),
      )
    })
  }
  const floorWrite: Piece = (target) => (i) => void target.sql.exec('INSERT INTO bench_floor (key, output) VALUES (?, ?)', `f${i}`, String(i))
  const storagePiece = (piece: string, write: Piece): BreakdownRow => ({
    piece,
    microsPerStep: microsPer(iterations, write(storage)),
    rowsPerStep: rowsPer(storage, write),
  })

  return [
    { piece: 'XState transition (advanceRun STEP.COMPLETED)', microsPerStep: transition, rowsPerStep: null },
    { piece: 'what-if: runMachine.transition, reused actor scope', microsPerStep: reusedTransition, rowsPerStep: null },
    { piece: 'snapshot JSON (persistRunSnapshot + stringify)', microsPerStep: snapshotJson, rowsPerStep: null },
    { piece: 'empty transactionSync', microsPerStep: microsPer(iterations, () => storage.transactionSync(() => undefined)), rowsPerStep: null },
    storagePiece('engine writes: txn(writeStep + writeSnapshot)', engineWrite),
    storagePiece('what-if: same, WITHOUT ROWID + upsert', whatIfWrite),
    storagePiece('floor write: one INSERT', floorWrite),
  ]
}

/** The breakdown as a printed table. */
export function breakdownTable(iterations: number, rows: readonly BreakdownRow[]): string {
  return [
    `Profile: where an engine step's time goes (each piece looped ${iterations}× inside one Durable Object, mean)`,
    textTable(['piece', 'µs/step', 'rows/step'], rows.map((row) => [row.piece, fixed(row.microsPerStep, 2), row.rowsPerStep === null ? '' : fixed(row.rowsPerStep, 2)])),
  ].join('\n')
}
