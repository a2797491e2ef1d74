/**
 * The two contenders, driven the same way from the test isolate: a fresh Durable Object per run,
 * `start()` over RPC, then a status call until the run completed. Timing covers all of it, so
 * both sides pay the same RPC and object-creation costs; each timed run is on unwrapped storage.
 */
import { env } from 'cloudflare:workers'
import { ulid } from 'ulid'
import { runActorStub, type RunActor, type RunInspection, type StartRunRequest } from '../actors/index.js'
import type { CountedRunActor } from './counted-run-actor.js'
import type { CountedFloorActor, FloorActor, FloorStartRequest, FloorStatus } from './floor-actor.js'
import type { StorageCounts } from './row-counter.js'

/** The bindings of bench/wrangler.toml. */
export interface BenchEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
  readonly FLOOR: DurableObjectNamespace<FloorActor>
  readonly COUNTED_RUNS: DurableObjectNamespace<CountedRunActor>
  readonly COUNTED_FLOOR: DurableObjectNamespace<CountedFloorActor>
}

/** How long one run took. */
export interface RunTiming {
  /** From the `start()` call to observed completion, as the caller sees it (ms). */
  readonly wallMs: number
  /** From `start()` entering the object to the last write, by the object's own clock (ms). */
  readonly inObjectMs: number
  /** Status calls the caller made after `start()` returned. */
  readonly polls: number
}

/** One run of `steps` tiny steps, timed or counted. */
export interface Contender {
  readonly name: string
  time(steps: number): Promise<RunTiming>
  /** Storage operations of one run (on the counted twin). */
  count(steps: number): Promise<StorageCounts>
}

/** What the drivers call on either side; results are plain structured clones. */
interface RunRpc<Status> {
  start(request: unknown): Promise<Status>
  inspect(): Promise<Status>
}
interface CountedRpc<Status> extends RunRpc<Status> {
  storageCounts(): Promise<StorageCounts>
}

const benchEnv = env as unknown as BenchEnv
const POLL_LIMIT_MS = 60_000

function manyStepsRequest(runId: string, count: number): StartRunRequest {
  const event = { name: 'engine/many-steps', id: ulid(), ts: Date.now(), data: { count } }
  return { runId, functionId: 'shop-many-steps', events: [event] }
}

/** Any of the namespaces above, as far as getting a stub by name goes. */
interface NamedObjects {
  idFromName(name: string): DurableObjectId
  get(id: DurableObjectId): unknown
}

function stubOf<T>(namespace: NamedObjects, runId: string): T {
  // Workers' RPC types turn `unknown` fields into never; the RPC interfaces above state the shape.
  return namespace.get(namespace.idFromName(runId)) as unknown as T
}

interface Completed<Status> {
  readonly status: Status
  readonly polls: number
}

/** Starts a run and polls until `done`; throws on a failed run or after a minute. */
async function runToCompletion<Status>(stub: RunRpc<Status>, request: unknown, done: (status: Status) => boolean): Promise<Completed<Status>> {
  const started = Date.now()
  let status = await stub.start(request)
  let polls = 0
  while (!done(status)) {
    if (Date.now() - started > POLL_LIMIT_MS) throw new Error(`run did not complete: ${JSON.stringify(status).slice(0, 300)}`)
    await new Promise((resolve) => setTimeout(resolve, 0))
    status = await stub.inspect()
    polls++
  }
  return { status, polls }
}

async function timed<Status>(run: () => Promise<Completed<Status>>, inObjectMs: (status: Status) => number): Promise<RunTiming> {
  const started = performance.now()
  const { status, polls } = await run()
  return { wallMs: performance.now() - started, inObjectMs: inObjectMs(status), polls }
}

const ourDone = (run: RunInspection) => {
  if (run.status === 'Failed' || run.status === 'Cancelled') throw new Error(`run ended ${run.status}: ${JSON.stringify(run.snapshot?.context.error)}`)
  return run.status === 'Completed'
}
const floorDone = (run: FloorStatus) => run.status === 'Completed'

/** Our run actor running the `many-steps` fixture function (`shop-many-steps`). */
export const ours: Contender = {
  name: 'ours (RunActor)',
  time(steps) {
    const runId = ulid()
    const stub = runActorStub(benchEnv.INNGEST_RUNS, runId)
    // The machine stamps RUN.START and RUN.COMPLETED with the host's clock.
    const inObject = (run: RunInspection) => (run.snapshot?.context.endedAt ?? NaN) - (run.snapshot?.context.startedAt ?? NaN)
    return timed(() => runToCompletion(stub, manyStepsRequest(runId, steps), ourDone), inObject)
  },
  async count(steps) {
    const runId = ulid()
    const stub = stubOf<CountedRpc<RunInspection>>(benchEnv.COUNTED_RUNS, runId)
    await runToCompletion(stub, manyStepsRequest(runId, steps), ourDone)
    return stub.storageCounts()
  },
}

/** The floor: the same step bodies, one SQLite row per step, nothing else. */
export const floor: Contender = {
  name: 'floor (1 row/step)',
  time(steps) {
    const runId = ulid()
    const stub = stubOf<RunRpc<FloorStatus>>(benchEnv.FLOOR, runId)
    const request: FloorStartRequest = { runId, count: steps }
    return timed(() => runToCompletion(stub, request, floorDone), (run) => (run.endedAt ?? NaN) - (run.startedAt ?? NaN))
  },
  async count(steps) {
    const runId = ulid()
    const stub = stubOf<CountedRpc<FloorStatus>>(benchEnv.COUNTED_FLOOR, runId)
    const request: FloorStartRequest = { runId, count: steps }
    await runToCompletion(stub, request, floorDone)
    return stub.storageCounts()
  },
}
