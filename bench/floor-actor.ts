/**
 * The benchmark's floor: a Durable Object that runs the shared program (bench/program.ts) and
 * does nothing else but write one SQLite row per step. No machine, no snapshot, no transaction
 * of its own, no alarm: the cheapest a durable step can be on this storage, so `ours / floor`
 * is the engine's overhead.
 */
import { DurableObject } from 'cloudflare:workers'
import { runProgram, type Program } from './program.js'
import { RowCounter, type StorageCounts } from './row-counter.js'

// WITHOUT ROWID: a TEXT primary key on a rowid table is a second b-tree, billed as a second row.
const SCHEMA = 'CREATE TABLE IF NOT EXISTS floor_steps (key TEXT PRIMARY KEY, output TEXT NOT NULL) WITHOUT ROWID'

/** What starts a floor run: the program our function gets as its event data. */
export interface FloorStartRequest {
  readonly program: Program
}

/** A floor run as its status call reports it. */
export interface FloorStatus {
  readonly status: 'Unknown' | 'Running' | 'Completed'
  readonly output: number | null
  /** Epoch ms when `start` was called and when the last step was written, as the run saw them. */
  readonly startedAt: number | null
  readonly endedAt: number | null
}

export class FloorActor extends DurableObject {
  private readonly sql: SqlStorage
  private status: FloorStatus = { status: 'Unknown', output: null, startedAt: null, endedAt: null }

  /** `storage` is the runtime's own, except in the counted twin. */
  constructor(ctx: DurableObjectState, env: object, storage: DurableObjectStorage = ctx.storage) {
    super(ctx, env)
    this.sql = storage.sql
    this.sql.exec(SCHEMA)
  }

  /** Starts the run and returns at once; like the run actor, the steps run in the background. */
  start(request: FloorStartRequest): FloorStatus {
    if (this.status.status === 'Unknown') {
      const startedAt = Date.now()
      this.status = { status: 'Running', output: null, startedAt, endedAt: null }
      this.ctx.waitUntil(this.runSteps(request.program, startedAt))
    }
    return this.status
  }

  inspect(): FloorStatus {
    return this.status
  }

  private async runSteps(program: Program, startedAt: number): Promise<void> {
    const output = await runProgram(program, (key, body) => this.step(key, body))
    this.status = { status: 'Completed', output, startedAt, endedAt: Date.now() }
  }

  /** The floor's `step.run`: the body's JSON in one row, then the parsed value, as a replay would see it. */
  private async step(key: string, body: () => unknown): Promise<unknown> {
    const output = JSON.stringify(await body())
    this.sql.exec('INSERT INTO floor_steps (key, output) VALUES (?, ?)', key, output)
    return JSON.parse(output)
  }
}

/** The floor on counted storage, for the rows-written figures (never timed). */
export class CountedFloorActor extends FloorActor {
  private readonly counter: RowCounter

  constructor(ctx: DurableObjectState, env: object) {
    const counter = new RowCounter()
    super(ctx, env, counter.wrapStorage(ctx.storage))
    this.counter = counter
  }

  storageCounts(): StorageCounts {
    return this.counter.counts()
  }
}
