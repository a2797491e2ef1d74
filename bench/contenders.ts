/**
 * The contenders, driven the same way from the test isolate: start runs of a program the
 * contender's own way, wait for the handler's signal (bench/signals.ts), then read the run's
 * status until it says completed. Every start and status call crosses the same kind of RPC
 * boundary, so all sides pay for object creation, RPC and their own status reads.
 */
import { env } from 'cloudflare:workers'
import { decodeTime } from 'ulid'
import { deriveRunId, runActorStub, type RunActor, type RunActorRpc, type RunStatusSummary } from '../actors/internal.js'
import { inngest } from '../test/fixtures/seed-functions.js'
import type { CountedRunActor } from './counted-run-actor.js'
import type { CountedFloorActor, FloorActor, FloorStartRequest, FloorStatus } from './floor-actor.js'
import { PROGRAM_EVENT, PROGRAM_FUNCTION } from './functions.js'
import type { GateProbe } from './output-gate-probe.js'
import type { Program } from './program.js'

/** The bindings of bench/wrangler.toml. */
export interface BenchEnv {
  readonly INNGEST_RUNS: DurableObjectNamespace<RunActor>
  readonly FLOOR: DurableObjectNamespace<FloorActor>
  readonly COUNTED_RUNS: DurableObjectNamespace<CountedRunActor>
  readonly COUNTED_FLOOR: DurableObjectNamespace<CountedFloorActor>
  readonly GATE_PROBE: DurableObjectNamespace<GateProbe>
  readonly BENCH_WORKFLOW: Workflow<Program>
}

export const benchEnv = env as unknown as BenchEnv

/** One way of running programs. */
export interface Contender {
  readonly name: string
  /** Starts one run per program; resolves once every start was accepted. */
  start(programs: readonly Program[]): Promise<void>
  /** Resolves once the run of `label` reports completed; throws if it ended otherwise. */
  completed(label: string): Promise<void>
  /**
   * Untimed, after completion: waits for the runs' follow-up work (ours publishes
   * `inngest/function.finished`) and frees what they hold (Workflows' local Engine objects are
   * never evicted: deleted here, or their open files pile up), so the next run starts quiet.
   */
  settle(labels: readonly string[]): Promise<void>
}

/** After a contender settled: time for the queue consumer to route what was just published. */
const QUIET_MS = 5

const POLL_LIMIT_MS = 30_000

/**
 * Reads `status` until `done`. Back to back at first: a run is polled only after its handler
 * signalled that it returned, so one or two reads usually suffice. Later reads are 1 ms apart,
 * so that a slow engine is not slowed further by the reads themselves.
 */
export async function pollUntil<T>(status: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + POLL_LIMIT_MS
  for (let polls = 0; ; polls++) {
    const value = await status()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`${what} did not complete: ${JSON.stringify(value).slice(0, 300)}`)
    if (polls >= 20) await scheduler.wait(1)
  }
}

/** Our run is done once Completed; any other end is a benchmark failure. */
export function ourRunDone(run: RunStatusSummary): boolean {
  if (run.status === 'Failed' || run.status === 'Cancelled') throw new Error(`run ended ${run.status}: ${JSON.stringify(run.error)}`)
  return run.status === 'Completed'
}

/** Any Durable Object namespace of the bench worker, as far as getting a stub by name goes. */
interface NamedObjects {
  idFromName(name: string): DurableObjectId
  get(id: DurableObjectId): unknown
}

/** A stub typed by the interface its caller states (Workers' RPC types map `unknown` fields to never). */
export function stubOf<T>(namespace: NamedObjects, name: string): T {
  return namespace.get(namespace.idFromName(name)) as unknown as T
}

/** The run actor's start request for `program`, as routeEvents would build it. */
export function programStart(program: Program, runId = program.label) {
  const event = { name: PROGRAM_EVENT, id: runId, ts: Date.now(), data: program as unknown as Record<string, unknown> }
  return { runId, functionId: PROGRAM_FUNCTION, events: [event] }
}

/** Waits until our runs have performed their effects (`effectsPending`), then a quiet gap. */
async function settleOurs(runIds: readonly string[]): Promise<void> {
  await Promise.all(
    runIds.map((runId) => {
      const stub = runActorStub(benchEnv.INNGEST_RUNS, runId)
      return pollUntil(() => stub.status(), (run) => !run.effectsPending, `effects of run ${runId}`)
    }),
  )
  await scheduler.wait(QUIET_MS)
}

/** Ours, started directly: one `start()` RPC per run, as the queue consumer makes it. */
export const oursDirect: Contender = {
  name: 'ours, start() RPC',
  async start(programs) {
    await Promise.all(programs.map((program) => runActorStub(benchEnv.INNGEST_RUNS, program.label).start(programStart(program))))
  },
  async completed(label) {
    const stub: RunActorRpc = runActorStub(benchEnv.INNGEST_RUNS, label)
    await pollUntil(() => stub.status(), ourRunDone, `run ${label}`)
  },
  settle: settleOurs,
}

/** The run ids of the runs started by `send`, by label: derived while the run goes, not after. */
const sentRuns = new Map<string, Promise<string>>()

/** Ours, the real path: `inngest.send` → the event index → delivery → one run actor per event. */
export const oursSend: Contender = {
  name: 'ours, inngest.send',
  async start(programs) {
    const { ids } = await inngest.send(programs.map((program) => ({ name: PROGRAM_EVENT, data: program as unknown as Record<string, unknown> })))
    // inngest.send stamps a new event's ts with the time its ULID id carries. Derived now, in
    // the background, as a client would: not on the clock between the handler's end and the read.
    programs.forEach((program, i) => sentRuns.set(program.label, deriveRunId(ids[i]!, PROGRAM_FUNCTION, decodeTime(ids[i]!))))
  },
  async completed(label) {
    const runId = await sentRuns.get(label)
    if (!runId) throw new Error(`no event was sent for ${label}`)
    const stub = runActorStub(benchEnv.INNGEST_RUNS, runId)
    await pollUntil(() => stub.status(), ourRunDone, `run ${runId}`)
  },
  async settle(labels) {
    const runIds = await Promise.all(labels.map((label) => sentRuns.get(label) ?? label))
    for (const label of labels) sentRuns.delete(label)
    await settleOurs(runIds)
  },
}

/** Instances created, by label (their handles save a `get()` per status read). */
const instances = new Map<string, WorkflowInstance>()
/** Completed instances not deleted yet. */
const undeleted: WorkflowInstance[] = []
const DELETE_IN_BULK = 100

/** Cloudflare Workflows' local engine: one `create()` per run, `status()` until complete. */
export const workflows: Contender = {
  name: 'Workflows (local engine)',
  async start(programs) {
    await Promise.all(
      programs.map(async (program) => instances.set(program.label, await benchEnv.BENCH_WORKFLOW.create({ id: program.label, params: program }))),
    )
  },
  async completed(label) {
    const instance = instances.get(label)
    if (!instance) throw new Error(`no instance was created for ${label}`)
    const done = ({ status, error }: InstanceStatus) => {
      if (status === 'errored' || status === 'terminated') throw new Error(`instance ${label} ended ${status}: ${JSON.stringify(error)}`)
      return status === 'complete'
    }
    await pollUntil(() => instance.status(), done, `instance ${label}`)
  },
  async settle(labels) {
    // delete() waits ~100 ms before it removes the files, so instances are deleted in bulk.
    for (const label of labels) {
      const instance = instances.get(label)
      instances.delete(label)
      if (instance) undeleted.push(instance)
    }
    if (undeleted.length >= DELETE_IN_BULK) {
      await Promise.all(
        undeleted.splice(0).map(async (instance) => {
          await instance.delete()
          // The handle is an RPC stub: disposing it lets the engine side let go of it.
          ;(instance as Partial<Disposable>)[Symbol.dispose]?.()
        }),
      )
    }
    await scheduler.wait(QUIET_MS)
  },
}

interface FloorRpc {
  start(request: FloorStartRequest): Promise<FloorStatus>
  inspect(): Promise<FloorStatus>
}

/** The floor: one Durable Object per run, one SQLite row per step, nothing else. */
export const floor: Contender = {
  name: 'floor (1 row/step)',
  async start(programs) {
    await Promise.all(programs.map((program) => stubOf<FloorRpc>(benchEnv.FLOOR, program.label).start({ program })))
  },
  async completed(label) {
    const stub = stubOf<FloorRpc>(benchEnv.FLOOR, label)
    await pollUntil(() => stub.inspect(), (run) => run.status === 'Completed', `floor run ${label}`)
  },
  async settle() {
    await scheduler.wait(QUIET_MS)
  },
}
