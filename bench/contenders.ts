/**
 * The contenders, driven the same way from the test isolate: start runs of a program the
 * contender's own way, wait for the handler's signal (bench/signals.ts), then read the run's
 * status until it says completed. Every start and status call crosses the same kind of RPC
 * boundary, so all sides pay for object creation, RPC and their own status reads.
 */
import { env } from 'cloudflare:workers'
import { deriveRunId, runActorStub, type RunActor, type RunActorRpc, type RunInspection } from '../actors/index.js'
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
}

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
export function ourRunDone(run: RunInspection): boolean {
  if (run.status === 'Failed' || run.status === 'Cancelled') throw new Error(`run ended ${run.status}: ${JSON.stringify(run.snapshot?.context.error)}`)
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

/** Ours, started directly: one `start()` RPC per run, as the queue consumer makes it. */
export const oursDirect: Contender = {
  name: 'ours, start() RPC',
  async start(programs) {
    await Promise.all(programs.map((program) => runActorStub(benchEnv.INNGEST_RUNS, program.label).start(programStart(program))))
  },
  async completed(label) {
    const stub: RunActorRpc = runActorStub(benchEnv.INNGEST_RUNS, label)
    await pollUntil(() => stub.inspect(), ourRunDone, `run ${label}`)
  },
}

/** Event ids of the runs started by `send`, by label. */
const sentEvents = new Map<string, string>()

/** Ours, the real path: `inngest.send` → the queue → `routeEvents` → one run actor per event. */
export const oursSend: Contender = {
  name: 'ours, inngest.send',
  async start(programs) {
    const { ids } = await inngest.send(programs.map((program) => ({ name: PROGRAM_EVENT, data: program as unknown as Record<string, unknown> })))
    programs.forEach((program, i) => sentEvents.set(program.label, ids[i]!))
  },
  async completed(label) {
    const eventId = sentEvents.get(label)
    if (!eventId) throw new Error(`no event was sent for ${label}`)
    sentEvents.delete(label)
    const stub = runActorStub(benchEnv.INNGEST_RUNS, await deriveRunId(eventId, PROGRAM_FUNCTION, 0))
    await pollUntil(() => stub.inspect(), ourRunDone, `run of event ${eventId}`)
  },
}

/** Instances created, by label (their handles save a `get()` per status read). */
const instances = new Map<string, WorkflowInstance>()

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
    instances.delete(label)
    const done = ({ status, error }: InstanceStatus) => {
      if (status === 'errored' || status === 'terminated') throw new Error(`instance ${label} ended ${status}: ${JSON.stringify(error)}`)
      return status === 'complete'
    }
    await pollUntil(() => instance.status(), done, `instance ${label}`)
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
}
