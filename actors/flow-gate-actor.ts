/**
 * The flow gate actor: one Durable Object per (option, function, key value), addressed by
 * `idFromName('gate:<kind>:<functionId>:<keyValue>')` (flow-gate-rpc.ts). It hosts one pure core
 * of machines/flow on SQLite and makes the decisions taken when an event arrives, before a run
 * exists: `rateLimit` and `idempotency` (lossy), `debounce` and `batchEvents` (deferred: this
 * object starts the run later, on its alarm or when the batch fills), `singleton`.
 *
 * - Persist, then act. The core's new state, the subject decided and any run start it implies
 *   are written in one transaction; then the alarm is set (soon, while a start is pending); then
 *   the runs are started. A start that fails stays pending and the alarm retries it.
 * - Idempotent. Every event id (run id for singleton) is remembered with its outcome for 24 h,
 *   so a redelivered event gets the same answer and never counts, debounces or batches twice.
 *   Run ids are derived (debounce: from the fired event; batch: from its first event), so a
 *   start performed twice reaches the same run actor and starts one run.
 * - One at a time. Calls that await other objects (singleton's status check, starts) are
 *   serialized in this object, so two arrivals never decide on the same stale state.
 */
import { DurableObject } from 'cloudflare:workers'
import { addToBatch, admitRateLimited, arriveSingleton, createIdempotency, createRateLimit, emptyBatch, emptyDebounce, emptySingleton } from '../machines/index.js'
import { finishSingleton, fireDebounce, flushDueBatch, pushDebounce } from '../machines/index.js'
import type { BatchState, DebounceState, RateLimitState, SingletonState, SingletonVerdict } from '../machines/index.js'
import { alarmTime } from './alarm-due.js'
import { CANCELLED } from './cancellation-reasons.js'
import { systemClock, type Clock } from './clock.js'
import type { RunEventPayload } from './engine/executor.js'
import { jsonByteLength } from './engine/jsonify.js'
import { deriveRunId } from './engine/run-id.js'
import type { AdmitRequest, BatchRequest, DebounceRequest, FlowGateEnv, FlowGateInspection, SingletonRequest } from './flow-gate-rpc.js'
import { startFlowRun } from './flow-gate-start.js'
import { findFunction } from './registry.js'
import { runActorStub } from './run-actor-stub.js'
import { FlowGateStore, type FlowGateKind, type PendingStart } from './storage/flow-gate-store.js'
import { ensureSyncedFunctions } from './apps/synced-functions.js'

/** After a run start failed, the alarm tries it again this much later. */
const START_RETRY_MS = 10_000
/**
 * The open batch is rewritten whole with every event that joins it (a large one in parts of
 * ≤ 1.5 MB, see chunked-text.ts), so its size is what each arrival costs in rows. An event that
 * would take the open batch past this flushes it first (Inngest flushes at 10 MiB); an event
 * larger than this (events may be 3 MB) makes a batch of its own.
 */
export const MAX_BATCH_BYTES = 1_000_000

/** One flow gate (see above); reach it with `flowGateFor` / `flowGateStub` (flow-gate-rpc.ts). */
export class FlowGateActor extends DurableObject<FlowGateEnv> {
  private store!: FlowGateStore
  private tail: Promise<unknown> = Promise.resolve()
  /** What this actor reads the time from (a test may set another inside `runInDurableObject`). */
  clock: Clock = systemClock

  constructor(ctx: DurableObjectState, env: FlowGateEnv) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new FlowGateStore(ctx.storage)
    })
  }

  /**
   * `rateLimit` / `idempotency`: whether the event may start a run. An allowed event takes a
   * place in the sliding window; a skipped one is for the caller to record as a skipped run.
   * Synchronous, so atomic; a redelivered event gets its first answer.
   */
  admit(request: AdmitRequest): 'allowed' | 'skipped' {
    return this.admitAll([request])[0]!
  }

  /**
   * `admit` for each request, in order, in one transaction: the answers are those of one call
   * per request in that order (an event id seen earlier, in this call or before, gets its first
   * answer). A delivery batch makes one call per gate, not one per event.
   */
  admitAll(requests: readonly AdmitRequest[]): Array<'allowed' | 'skipped'> {
    if (requests.length === 0) return []
    const now = this.clock()
    return this.store.transaction(() => {
      let state = this.store.read<RateLimitState>()?.state
      let decider: AdmitRequest | undefined
      const answers = requests.map((request) => {
        const known = this.store.outcome(request.eventId)
        if (known === 'allowed' || known === 'skipped') return known
        const fresh = request.kind === 'idempotency' ? createIdempotency() : createRateLimit(request)
        // A deploy may change the limit or period: the window adopts them.
        const decision = admitRateLimited(state ? { ...state, limit: fresh.limit, periodMs: fresh.periodMs } : fresh, now)
        state = decision.state
        decider = request
        // Remembered at once, so the same id later in this call finds its answer.
        this.store.remember(request.eventId, decision.outcome, now)
        return decision.outcome
      })
      if (decider) this.store.write({ kind: decider.kind, functionId: decider.functionId, state, wakeAt: null })
      return answers
    })
  }

  /** `debounce`: the event replaces the pending one; the run starts when its quiet period ends. */
  debounce(request: DebounceRequest): Promise<void> {
    return this.debounceAll([request])
  }

  /**
   * `debounce` for each request, in order (a period already due fires when the next event
   * arrives, as one at a time), then one commit of the state, the fired runs' starts and the
   * events decided, then the starts.
   */
  debounceAll(requests: readonly DebounceRequest[]): Promise<void> {
    return this.serialized(async () => {
      const now = this.clock()
      let state = this.store.read<DebounceState<RunEventPayload>>()?.state ?? emptyDebounce<RunEventPayload>()
      let wakeAt: number | undefined
      const fired: Array<{ functionId: string; events: RunEventPayload[] }> = []
      const decided = this.undecided(requests.map((request) => request.event.id))
      for (const request of requests) {
        if (!decided.claim(request.event.id)) continue
        const { periodMs, timeoutMs } = request
        const decision = pushDebounce(state, request.event, now, timeoutMs === undefined ? { periodMs } : { periodMs, timeoutMs })
        if (decision.fire) fired.push({ functionId: request.functionId, events: [decision.fire.event] })
        state = decision.state
        wakeAt = decision.wakeAt
      }
      const functionId = requests.at(-1)?.functionId
      if (functionId !== undefined && decided.ids.length > 0) {
        const starts = await Promise.all(fired.map((run) => this.startOf(run.functionId, run.events)))
        this.commit('debounce', functionId, state, wakeAt, starts, () => decided.ids.forEach((id) => this.store.remember(id, 'debounced', now)))
      }
      await this.act()
    })
  }

  /** `batchEvents`: the event joins the open batch; a full batch starts its run at once. */
  batch(request: BatchRequest): Promise<void> {
    return this.batchAll([request])
  }

  /**
   * `batch` for each request, in order (an event that would take the open batch past
   * MAX_BATCH_BYTES flushes it first; a full batch flushes), then one commit of the state, the
   * flushed batches' starts and the events decided, then the starts.
   */
  batchAll(requests: readonly BatchRequest[]): Promise<void> {
    return this.serialized(async () => {
      const now = this.clock()
      let state = this.store.read<BatchState<RunEventPayload>>()?.state ?? emptyBatch<RunEventPayload>()
      // JSON.stringify([...events, event]) is JSON.stringify(events) with "," + the event's JSON
      // inserted before "]": its size is kept as a sum, not re-encoded for every event.
      let openBytes = state.open ? jsonByteLength(JSON.stringify(state.open.events)) : 0
      let wakeAt: number | undefined
      const flushed: Array<{ functionId: string; events: RunEventPayload[] }> = []
      const decided = this.undecided(requests.map((request) => request.event.id))
      for (const request of requests) {
        const { functionId, event } = request
        if (!decided.claim(event.id)) continue
        const eventBytes = jsonByteLength(JSON.stringify(event))
        if (state.open && openBytes + 1 + eventBytes > MAX_BATCH_BYTES) {
          // Flushing "at infinity" is the core's flush-now: the open batch goes as it is.
          const early = flushDueBatch(state, Number.POSITIVE_INFINITY)
          if (early.flush) flushed.push({ functionId, events: [...early.flush] })
          state = early.state
        }
        const joined = state.open ? openBytes + 1 + eventBytes : 2 + eventBytes
        const decision = addToBatch(state, event, now, { maxSize: request.maxSize, timeoutMs: request.timeoutMs })
        if (decision.flush) flushed.push({ functionId, events: [...decision.flush] })
        state = decision.state
        openBytes = state.open ? joined : 0
        wakeAt = decision.wakeAt
      }
      const functionId = requests.at(-1)?.functionId
      if (functionId !== undefined && decided.ids.length > 0) {
        const starts = await Promise.all(flushed.map((run) => this.startOf(run.functionId, run.events)))
        this.commit('batch', functionId, state, wakeAt, starts, () => decided.ids.forEach((id) => this.store.remember(id, 'batched', now)))
      }
      await this.act()
    })
  }

  /**
   * `singleton`: whether run `runId` may start while the key has an active run. The recorded
   * active run counts as active while its start is pending here or its actor says Running or
   * Scheduled; a finished (or never started) one frees the key. No finish notification needed.
   */
  singleton(request: SingletonRequest): Promise<SingletonVerdict['type']> {
    return this.serialized(async () => {
      const { functionId, runId } = request
      let verdict = this.store.outcome(runId) as SingletonVerdict['type'] | null
      if (verdict === null) {
        let state = this.store.read<SingletonState>()?.state ?? emptySingleton()
        const active = state.activeRunId
        if (active !== null && active !== runId && !this.store.hasStart(active) && !(await this.isActive(active))) state = finishSingleton(state, active)
        const arrival = arriveSingleton(state, runId, request.mode)
        const { type } = arrival.verdict
        const start: PendingStart = {
          runId,
          functionId,
          events: request.events,
          direct: true,
          ...(type === 'skip' ? { skip: 'singleton' } : {}),
          ...(arrival.verdict.type === 'cancel-then-start' ? { cancel: arrival.verdict.previous } : {}),
        }
        const now = this.clock()
        this.commit('singleton', functionId, arrival.state, undefined, [start], () => this.store.remember(runId, type, now))
        verdict = type
      }
      await this.act()
      return verdict
    })
  }

  /** The gate as persisted, with its pending starts; null if it never decided anything. */
  inspect(): FlowGateInspection | null {
    const gate = this.store.read<unknown>()
    return gate ? { ...gate, pendingStarts: this.store.starts() } : null
  }

  /** Fires a due debounce period or batch timeout, and retries pending starts. */
  override alarm(alarmInfo?: AlarmInvocationInfo): Promise<void> {
    return this.serialized(async () => {
      const gate = this.store.read<unknown>()
      if (!gate) return this.ctx.storage.deleteAlarm()
      // An alarm set to retry a pending start says nothing about the wake time (alarm-due.ts).
      const at = alarmTime(this.clock(), alarmInfo, this.store.starts().length > 0 ? null : gate.wakeAt)
      if (gate.kind === 'debounce') {
        const decision = fireDebounce(gate.state as DebounceState<RunEventPayload>, at)
        const starts = decision.fire ? [await this.startOf(gate.functionId, [decision.fire.event])] : []
        this.commit('debounce', gate.functionId, decision.state, decision.wakeAt, starts)
      } else if (gate.kind === 'batch') {
        const decision = flushDueBatch(gate.state as BatchState<RunEventPayload>, at)
        const starts = decision.flush ? [await this.startOf(gate.functionId, decision.flush)] : []
        this.commit('batch', gate.functionId, decision.state, decision.wakeAt, starts)
      }
      await this.act()
    })
  }

  /** The gate's new state, its wake time, the starts it implies and `also`, in one transaction. */
  private commit(kind: FlowGateKind, functionId: string, state: unknown, wakeAt: number | undefined, starts: readonly PendingStart[], also?: () => void): void {
    this.store.transaction(() => {
      this.store.write({ kind, functionId, state, wakeAt: wakeAt ?? null })
      for (const start of starts) this.store.addStart(start)
      also?.()
    })
  }

  /**
   * Which of `eventIds` this gate has not decided yet: `claim(id)` is true the first time an
   * undecided id is claimed (so an id twice in one call is decided once), and `ids` lists them.
   */
  private undecided(eventIds: readonly string[]): { claim(id: string): boolean; readonly ids: string[] } {
    const known = new Set(eventIds.filter((id) => this.store.outcome(id) !== null))
    const ids: string[] = []
    return {
      ids,
      claim: (id) => {
        if (known.has(id)) return false
        known.add(id)
        ids.push(id)
        return true
      },
    }
  }

  /** The run for `events` (a debounce's fired event, a batch): its id derives from the first. */
  private async startOf(functionId: string, events: readonly RunEventPayload[]): Promise<PendingStart> {
    const first = events[0]!
    return { runId: await deriveRunId(first.id, functionId, first.ts), functionId, events }
  }

  /** Alarm first (so a start that fails is retried), then the starts, then the alarm again. */
  private async act(): Promise<void> {
    await this.syncAlarm()
    const starts = this.store.starts()
    if (starts.length === 0) return
    for (const start of starts) {
      try {
        await this.perform(start)
        this.store.deleteStart(start.runId)
      } catch (error) {
        console.error(`inngest.do: flow gate could not start run ${start.runId} of ${start.functionId}; its alarm retries:`, error)
      }
    }
    await this.syncAlarm()
  }

  private async perform(start: PendingStart): Promise<void> {
    const { runId, functionId, events } = start
    await ensureSyncedFunctions(this.env)
    if (!findFunction(functionId)) {
      // Deployed without the function: nothing can run it, and retrying would never end.
      console.warn(`inngest.do: flow gate dropped run ${runId}: no function "${functionId}" is registered in this worker.`)
      return
    }
    if (!start.direct) return void (await startFlowRun(this.env, functionId, runId, events))
    if (start.cancel) await runActorStub(this.env.INNGEST_RUNS, start.cancel).cancel(CANCELLED.singleton)
    await runActorStub(this.env.INNGEST_RUNS, runId).start({ runId, functionId, events, ...(start.skip ? { skip: start.skip } : {}) })
  }

  private async isActive(runId: string): Promise<boolean> {
    const { status } = await runActorStub(this.env.INNGEST_RUNS, runId).status()
    return status === 'Running' || status === 'Scheduled'
  }

  /** The alarm soon while a start is pending, else at the gate's wake time; none otherwise. */
  private async syncAlarm(): Promise<void> {
    const storage = this.ctx.storage
    const now = this.clock()
    const current = await storage.getAlarm()
    const wakeAt = this.store.read<unknown>()?.wakeAt ?? null
    // An alarm time already past is the one being handled: it will not fire again.
    const upcoming = current !== null && current > now ? current : Number.POSITIVE_INFINITY
    const wanted = this.store.starts().length > 0 ? Math.min(upcoming, now + START_RETRY_MS) : wakeAt
    if (wanted === null) return current === null ? undefined : storage.deleteAlarm()
    if (current !== wanted) await storage.setAlarm(wanted)
  }

  /** Runs `work` after every earlier call of this object has finished. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work)
    this.tail = run.catch(() => undefined)
    return run
  }
}
