/**
 * The benchmark's floor: a Durable Object that runs the same tiny step bodies as the engine's
 * `many-steps` function and does nothing else but write one SQLite row per step. No machine, no
 * snapshot, no transaction of its own, no alarm: the cheapest a durable step can be on this
 * storage, so `ours / floor` is the engine's overhead.
 */
import { DurableObject } from 'cloudflare:workers'
import { RowCounter, type StorageCounts } from './row-counter.js'

// WITHOUT ROWID: a TEXT primary key on a rowid table is a second b-tree, billed as a second row.
const SCHEMA = 'CREATE TABLE IF NOT EXISTS floor_steps (key TEXT PRIMARY KEY, output TEXT NOT NULL) WITHOUT ROWID'

/** What starts a floor run: the same `count` the `many-steps` event carries. */
export interface FloorStartRequest {
  readonly runId: string
  readonly count: number
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
      this.ctx.waitUntil(this.runSteps(request.count, startedAt))
    }
    return this.status
  }

  inspect(): FloorStatus {
    return this.status
  }

  // The `many-steps` handler, with `step.run` replaced by the floor's `step`.
  private async runSteps(count: number, startedAt: number): Promise<void> {
    let total = 0
    for (let i = 0; i < count; i++) total += await this.step(`s${i}`, () => i)
    this.status = { status: 'Completed', output: total, startedAt, endedAt: Date.now() }
  }

  private async step<T>(key: string, body: () => T | Promise<T>): Promise<T> {
    const output = JSON.stringify(await body())
    this.sql.exec('INSERT INTO floor_steps (key, output) VALUES (?, ?)', key, output)
    return JSON.parse(output) as T
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
