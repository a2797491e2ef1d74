/**
 * The event-side flow gates, applied per triggered function when an event is routed (and to
 * each cron tick, by the cron actor), in
 * Inngest's order (its runner: batch, else rate limit, then the scheduler's debounce, then
 * singleton when the run is created):
 *
 * 1. `batchEvents`: an event that passes the batch's `if` (or has none) joins its key's batch and
 *    the batch gate starts the run later; one that fails it (false, or an error) runs on its own,
 *    at once, as Inngest's docs say ("batching will be skipped for this event").
 * 2. `idempotency`, else `rateLimit` (lossy): a skipped event is recorded as a Skipped run.
 * 3. `debounce` (deferred): the debounce gate starts the run with the last event.
 * 4. `singleton`, then the run starts (startFlowRun). Debounce and batch runs pass it too.
 *
 * Every step is idempotent by event id (the gates remember their answers) or by derived run id.
 *
 * A delivery batch goes through the stages together (`applyFlowGatesToEach`): each stage's
 * events are grouped by gate object, one call per gate with its events in order, which answers
 * as that many calls in that order would (gate-groups.ts). A failed call fails its events only.
 */
import { IDEMPOTENCY_PERIOD_MS } from '../../machines/index.js'
import type { RunEventPayload } from '../engine/executor.js'
import { compileExpression } from '../engine/expression.js'
import type { RunnableFunction } from '../engine/function-definition.js'
import { jsonByteLength } from '../engine/jsonify.js'
import { deriveRunId } from '../engine/run-id.js'
import type { FlowGateEnv } from '../flow-gate-rpc.js'
import { startFlowRun } from '../flow-gate-start.js'
import { runActorStub } from '../run-actor-stub.js'
import { callPerGate, type GateMember } from './gate-groups.js'

/** What flow control did with one event for one function. */
export type GateOutcome =
  | { readonly kind: 'started'; readonly runId: string }
  | { readonly kind: 'skipped'; readonly runId: string; readonly reason: 'rateLimit' | 'idempotency' | 'singleton' }
  | { readonly kind: 'deferred'; readonly gate: 'debounce' | 'batch' }

/** One event's outcome, or the error that failed it (retry that event: every stage is idempotent). */
export type GateSettled = PromiseSettledResult<GateOutcome>

/** Routes `event` to `functionId` through its flow gates; see the order above. */
export async function applyFlowGates(event: RunEventPayload, functionId: string, fn: RunnableFunction, env: FlowGateEnv): Promise<GateOutcome> {
  // One event is one call per gate whatever its size: nothing to measure.
  const [settled] = await applyFlowGatesToEach([event], functionId, fn, env, () => 0)
  if (settled!.status === 'rejected') throw settled!.reason
  return settled!.value
}

/**
 * Routes each of `events` to `functionId` through its flow gates, with the outcomes of
 * `applyFlowGates` called for each in order, but one call per gate object per stage. Never
 * rejects.
 * @param sizeOf an event's JSON size in bytes, or a bound on it (a gate call carries ≤ 16 MiB)
 * @returns per event, in order: its outcome, or the error that failed it
 */
export async function applyFlowGatesToEach(
  events: readonly RunEventPayload[],
  functionId: string,
  fn: RunnableFunction,
  env: FlowGateEnv,
  sizeOf: (event: RunEventPayload) => number = jsonSize,
): Promise<GateSettled[]> {
  const results: GateSettled[] = new Array(events.length)
  const stages = new Stages(functionId, fn, env, sizeOf, results)
  const members = events.map((event, index) => ({ index, event }))
  try {
    const batch = fn.options.flow?.batchEvents
    if (!batch) await stages.admitThenStart(members)
    else {
      const { joining, alone } = stages.splitByBatchIf(batch.if, members)
      await Promise.all([stages.joinBatches(batch, joining), stages.admitThenStart(alone)])
    }
  } catch (error) {
    // Only a bug gets here (each stage settles its own events); fail what is left, to be retried.
    members.forEach(({ index }) => (results[index] ??= { status: 'rejected', reason: error }))
  }
  return results
}

type BatchEventsOption = NonNullable<NonNullable<RunnableFunction['options']['flow']>['batchEvents']>

/** An event past the batch stage, with the id its run has if it starts now. */
interface RunMember extends GateMember {
  readonly runId: string
}

/** The stages after routing, for one function and one delivery; each settles its events in `results`. */
class Stages {
  constructor(
    private readonly functionId: string,
    private readonly fn: RunnableFunction,
    private readonly env: FlowGateEnv,
    private readonly sizeOf: (event: RunEventPayload) => number,
    private readonly results: GateSettled[],
  ) {}

  /** Which events join a batch (they pass its `if`, or there is none) and which run alone. */
  splitByBatchIf(condition: string | undefined, members: readonly GateMember[]): { joining: GateMember[]; alone: GateMember[] } {
    const joining: GateMember[] = []
    const alone: GateMember[] = []
    for (const member of members) {
      try {
        const joins = condition === undefined || compileExpression(condition, 'batchEvents.if').matches({ event: member.event })
        ;(joins ? joining : alone).push(member)
      } catch (error) {
        this.fail(member, error)
      }
    }
    return { joining, alone }
  }

  /** 1. `batchEvents`: the events join their keys' batches; the batch gates start the runs. */
  async joinBatches(batch: BatchEventsOption, members: readonly GateMember[]): Promise<void> {
    const { functionId } = this
    const { maxSize, timeoutMs, key } = batch
    const answers = await callPerGate(this.env, { kind: 'batch', functionId, keySource: key, sizeOf: this.sizeOf }, members, async (gate, group) => {
      await gate.batchAll(group.map(({ event }) => ({ functionId, event, maxSize, timeoutMs })))
      return group.map(() => undefined)
    })
    this.settleFrom(members, answers, () => ({ kind: 'deferred', gate: 'batch' }))
  }

  /** 2. `idempotency`, else `rateLimit`: a skipped event is recorded as a Skipped run; the rest go on. */
  async admitThenStart(members: readonly GateMember[]): Promise<void> {
    if (members.length === 0) return
    const { functionId } = this
    const flow = this.fn.options.flow
    const runs: RunMember[] = await Promise.all(members.map(async (member) => ({ ...member, runId: await deriveRunId(member.event.id, functionId, member.event.ts) })))
    // Idempotency is a rate limit of 1 per key per 24 h and replaces rateLimit, as on Inngest's server.
    const lossy = flow?.idempotency !== undefined
      ? { kind: 'idempotency' as const, key: flow.idempotency, limit: 1, periodMs: IDEMPOTENCY_PERIOD_MS }
      : flow?.rateLimit && { kind: 'rateLimit' as const, ...flow.rateLimit }
    if (!lossy) return this.debounceOrStart(runs)
    const { kind, limit, periodMs } = lossy
    const answers = await callPerGate(this.env, { kind, functionId, keySource: lossy.key, sizeOf: () => 0 }, runs, (gate, group) =>
      gate.admitAll(group.map(({ event }) => ({ kind, functionId, eventId: event.id, limit, periodMs }))),
    )
    const allowed: RunMember[] = []
    const skipped: RunMember[] = []
    answers.forEach((answer, position) => {
      const run = runs[position]!
      if (answer.status === 'rejected') this.fail(run, answer.reason)
      else (answer.value === 'allowed' ? allowed : skipped).push(run)
    })
    await Promise.all([
      this.settleEach(skipped, async ({ event, runId }) => {
        await runActorStub(this.env.INNGEST_RUNS, runId).start({ runId, functionId, events: [event], skip: kind })
        return { kind: 'skipped', runId, reason: kind }
      }),
      this.debounceOrStart(allowed),
    ])
  }

  /** 3. `debounce`: the debounce gates start the runs with their last events; 4. else each run starts. */
  private async debounceOrStart(runs: readonly RunMember[]): Promise<void> {
    if (runs.length === 0) return
    const { functionId } = this
    const debounce = this.fn.options.flow?.debounce
    if (!debounce) {
      return this.settleEach(runs, async ({ event, runId }) => {
        const verdict = await startFlowRun(this.env, functionId, runId, [event])
        return verdict === 'skip' ? { kind: 'skipped', runId, reason: 'singleton' } : { kind: 'started', runId }
      })
    }
    const { periodMs, timeoutMs, key } = debounce
    const answers = await callPerGate(this.env, { kind: 'debounce', functionId, keySource: key, sizeOf: this.sizeOf }, runs, async (gate, group) => {
      await gate.debounceAll(group.map(({ event }) => ({ functionId, event, periodMs, ...(timeoutMs === undefined ? {} : { timeoutMs }) })))
      return group.map(() => undefined)
    })
    this.settleFrom(runs, answers, () => ({ kind: 'deferred', gate: 'debounce' }))
  }

  /** Settles each member with `work`'s outcome or error, all at once and each on its own. */
  private async settleEach<Member extends GateMember>(members: readonly Member[], work: (member: Member) => Promise<GateOutcome>): Promise<void> {
    await Promise.all(
      members.map(async (member) => {
        try {
          this.results[member.index] = { status: 'fulfilled', value: await work(member) }
        } catch (error) {
          this.fail(member, error)
        }
      }),
    )
  }

  /** Settles each member from its gate's answer: `outcome` if the call succeeded, else its error. */
  private settleFrom(members: readonly GateMember[], answers: ReadonlyArray<PromiseSettledResult<unknown>>, outcome: () => GateOutcome): void {
    answers.forEach((answer, position) => {
      const member = members[position]!
      if (answer.status === 'rejected') this.fail(member, answer.reason)
      else this.results[member.index] = { status: 'fulfilled', value: outcome() }
    })
  }

  private fail(member: GateMember, error: unknown): void {
    this.results[member.index] = { status: 'rejected', reason: error }
  }
}

/** An event's JSON size in bytes: what a gate call carrying it sends. */
function jsonSize(event: RunEventPayload): number {
  return jsonByteLength(JSON.stringify(event))
}
