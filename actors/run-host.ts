/**
 * The run host: drives one run's machine on a Durable Object's storage. Its one loop is
 * load snapshot → transition → persist snapshot, step row and effects in one transaction → act
 * (alarm, effects). `RunActor` is a thin DO around it; users embed it in their own DO the same
 * way (construct it in the constructor, forward `alarm()`).
 */
import {
  initialRunSnapshot,
  nextTimer,
  persistRunSnapshot,
  restoreRunSnapshot,
  type PendingTimer,
  type RunEffect,
  type RunEvent,
  type RunSnapshot,
} from '../machines/index.js'
import { RunLimitError } from './engine/errors.js'
import type { CheckpointReceipt, CheckpointRequest, Executor, PassHandle, PassOutcome, RunEventPayload } from './engine/executor.js'
import type { StepRow } from './storage/step-row.js'
import type { RunnableFunction } from './engine/function-definition.js'
import { InProcessExecutor } from './engine/in-process-executor.js'
import { toJsonText } from './engine/jsonify.js'
import { passTransition } from './pass-outcome.js'
import { performEffect } from './perform-effect.js'
import { noteInterruptedPass } from './run-interruptions.js'
import { failureHandlerId } from './registry.js'
import { deliverDueEffects } from './run-effect-delivery.js'
import type { InvokeResult, RunPorts } from './run-effects.js'
import { inspectRun, runStatus, type RunInspection, type RunStatusSummary } from './run-inspection.js'
import { acquireSlots, admissionFor, deadlineOf, LEASE_MS, releaseSlots, renewSlots, type Admission } from './run-admission.js'
import { alarmTime } from './alarm-due.js'
import { CANCELLED } from './cancellation-reasons.js'
import { createRecorder } from './run-recorder.js'
import { commitTransition, hostFacts } from './run-transition.js'
import type { StartRunRequest } from './start-run-request.js'
import { RunStore } from './storage/run-store.js'
import type { RunAddress } from './storage/stream-store.js'

/**
 * While a pass runs (or a queued run waits for its throttle), an alarm this far ahead resumes the
 * run if the object is evicted or its process dies: soon at first, since most passes take
 * milliseconds, then doubling while a long pass goes on (each firing only renews its leases).
 */
const FIRST_WATCHDOG_MS = 2_000
const MAX_WATCHDOG_MS = 30_000

export interface RunHostOptions {
  /** The Durable Object's state: storage and alarms of the run. */
  readonly ctx: DurableObjectState
  /** Finds a function by its composite id (`app-fn`). */
  readonly resolve: (functionId: string) => RunnableFunction | undefined
  /** The world beyond this object: other runs, event streams, the event pipeline. */
  readonly ports?: RunPorts
  /**
   * How others reach this object: its env binding and `idFromName` name. Set it when embedding,
   * so waits, cancellations, `step.invoke` results and freed flow-control slots come here
   * (forward `resolveWait`, `cancel`, `resolveInvoke` and `admit` to the host). Left out:
   * `RunActor`, `INNGEST_RUNS` by run id.
   */
  readonly address?: RunAddress
  readonly now?: () => number
  /**
   * What runs a function's code: by default the function's own `executor`, else in this object
   * (`InProcessExecutor`). A host may choose per function (an HTTP executor for a synced app).
   */
  readonly executorFor?: (fn: RunnableFunction) => Executor
  /**
   * For an object hosting many runs (`InngestEntity`): the run this host drives, whose rows it
   * reads and writes among the others', and the alarm it shares with them. Absent: the object's
   * storage and alarm are the run's own.
   */
  readonly shared?: SharedObjectRun
}

/** One run among many in an object: its id, and its share of the object's one alarm. */
export interface SharedObjectRun {
  readonly runId: string
  /** Sets (or with null, clears) this run's wake-up; the object's alarm is the earliest of its runs'. */
  setAlarm(at: number | null): Promise<void>
}

/** The default choice: the function's own executor, else its handler in process. */
const defaultExecutor = (fn: RunnableFunction): Executor => fn.executor ?? new InProcessExecutor(fn)

export class RunHost {
  readonly store: RunStore
  readonly ports: RunPorts
  private readonly clock: () => number
  private snapshot: RunSnapshot | null
  private pass: PassHandle | null = null
  /** Whether the alarm was last set for a timer (after eviction, unknown: assume so). */
  private alarmForTimer = true
  /** When the alarm is set for, as this instance last set it (undefined: unknown, after eviction; null: none). */
  private alarmAt: number | null | undefined
  /** Set when a lease renewal failed during the pass: it stops at its next step. */
  private leaseLost = false
  /** Whether this object started a pass: a `running` run it did not start was cut short (run-interruptions.ts). */
  private passStartedHere = false
  /** Set by the alarm resuming a run cut short: its next pass is counted before it begins. */
  private resumingAfterReset = false
  /** How far ahead the next watchdog alarm is set (doubles while one long pass goes on). */
  private watchdogMs = FIRST_WATCHDOG_MS
  /** The trigger events, read once: written at start and never changed. */
  private triggerEvents: RunEventPayload[] | undefined
  /** The `host` of this run's registrations, parent links and slot requests (none for a `RunActor`). */
  private readonly hostedAt: { host?: RunAddress }

  /** Call from the DO constructor (inside `blockConcurrencyWhile`): migrates and loads. */
  constructor(private readonly options: RunHostOptions) {
    this.store = new RunStore(options.ctx.storage, options.shared?.runId)
    this.ports = options.ports ?? {}
    this.clock = options.now ?? Date.now
    const address = options.address
    if (address && !(address.binding && address.name)) throw new TypeError(`RunHost: address needs a binding and a name (got ${JSON.stringify(address)}). Fix: { binding: 'MY_DO', name: ctx.id.name } for an object addressed by idFromName.`)
    this.hostedAt = address ? { host: address } : {}
    const persisted = this.store.readSnapshot()
    this.snapshot = persisted ? restoreRunSnapshot(persisted) : null
  }

  now(): number {
    return this.clock()
  }

  /** Starts the run once; repeated calls (redelivered messages) change nothing. */
  async start(request: StartRunRequest): Promise<RunStatusSummary> {
    if (!this.snapshot) {
      const fn = this.options.resolve(request.functionId)
      if (!fn) {
        throw new TypeError(
          `No function "${request.functionId}" is registered in this worker. Fix: pass it to serve({ client, functions }) (or registerFunction) in the worker that hosts the runs, ` +
            `and check the id is "<app id>-<function id>".`,
        )
      }
      const at = this.now()
      this.snapshot = initialRunSnapshot({ runId: request.runId, functionId: request.functionId, retry: fn.options.retry, maxSteps: fn.options.limits.maxSteps, at })
      if (request.skip) {
        // Recorded, so the skip is visible (REST status Skipped), but the handler never runs.
        this.commit({ type: 'RUN.SKIPPED', reason: request.skip, at }, () => this.store.writeJson('trigger', request.events))
        if (this.store.hasEffects()) await this.act() // its index entry
        return this.status()
      }
      const queued = this.snapshot
      this.triggerEvents = [...request.events]
      this.store.transaction(() => {
        this.store.writeJson('trigger', request.events)
        if (request.parent) this.store.writeJson('parent', request.parent)
        for (const row of request.memo ?? []) this.store.writeStep(row)
        this.store.writeSnapshot(persistRunSnapshot(queued))
      })
      // A run no throttle holds starts in this same turn: its start and first transition reach
      // storage together, under the reply's one output gate.
      const throttled = this.admission().throttle !== undefined && this.ports.slots !== undefined
      if (!throttled) this.commit({ type: 'RUN.START', at })
      // The alarm before the reply, so an object lost before its pass resumes on it.
      await this.syncAlarm()
      // The caller (an event's delivery) waits for the start to be persisted, not for the run.
      // Its index entry goes beside the first pass, not before it: a view never delays a step.
      this.background(throttled ? this.admit() : Promise.all([this.act(isIndexEntry), this.act(notIndexEntry).then(() => this.continue())]))
    }
    return this.status()
  }

  private background(work: Promise<unknown>): void {
    this.options.ctx.waitUntil(work.catch((error: unknown) => console.warn('inngest.do: background work of a run failed; its alarm retries:', error)))
  }

  /**
   * Lets the run go as far as flow control allows: a queued run starts once its throttle lets
   * it; a running one executes once it holds its concurrency slots. Slot actors call this when
   * a slot or start frees up; the run's own alarm calls it again, so a lost message only delays.
   */
  async admit(): Promise<void> {
    const snapshot = this.snapshot
    if (snapshot?.value === 'queued') {
      const { throttle } = this.admission()
      const slots = this.ports.slots
      if (throttle && slots && !(await slots.enqueue(throttle.slot, { runId: snapshot.context.runId, ...throttle, ...this.hostedAt }))) return this.syncAlarm()
      if (this.snapshot?.value !== 'queued') return // started or cancelled while we asked
      this.commit({ type: 'RUN.START', at: this.now() })
      await this.act()
    }
    // Not awaited: whoever let the run go (a slot actor's message) must not wait for its pass.
    this.background(this.continue())
  }

  /**
   * Alarm: perform pending effects, resume after eviction, wake due timers. Pass the runtime's
   * `alarmInfo`: alarms are delivered at least once, and a duplicate or superseded delivery
   * (its `scheduledTime` before the next timer) must not wake that timer early.
   */
  async alarm(info?: Pick<AlarmInvocationInfo, 'scheduledTime'>): Promise<void> {
    // An alarm set while effects were pending was set for them, not for a timer.
    const forTimer = this.alarmForTimer && !this.store.hasEffects()
    this.alarmAt = null // the runtime cleared it by firing
    // Effects due at the time the alarm was set for (fired by hand: the earliest one's), so a
    // retry falls due as its alarm fires, even if the clock reads a little earlier.
    await this.flushEffects(alarmTime(this.now(), info, this.store.nextEffectAt() ?? 0))
    const snapshot = this.snapshot
    if (!snapshot || snapshot.value === 'done') return this.syncAlarm()
    // A timer or deadline is due at the time its alarm was set for, even if the clock reads
    // earlier. Without `info` (a test firing the alarm by hand) an alarm set for the earliest
    // timer wakes it, one set for effects wakes nothing early.
    const at = alarmTime(this.now(), info, forTimer ? this.nextWake(snapshot) : null)
    const deadline = deadlineOf(snapshot.context, this.options.resolve(snapshot.context.functionId))
    if (deadline && deadline.at <= at) return void (await this.cancel(deadline.reason))
    if (this.pass) {
      // A long pass: keep its concurrency leases alive and the watchdog armed, less often.
      this.watchdogMs = Math.min(this.watchdogMs * 2, MAX_WATCHDOG_MS)
      const slots = this.ports.slots
      if (slots && !(await renewSlots(slots, this.admission(), snapshot.context.runId, this.now() + LEASE_MS))) this.leaseLost = true
      return this.syncAlarm()
    }
    if (snapshot.value === 'queued') return this.admit()
    // Running, yet no pass here ever: the object that ran it was reset mid-pass.
    if (snapshot.value === 'running' && !this.passStartedHere) this.resumingAfterReset = true
    if (snapshot.value !== 'running') {
      for (const timer of snapshot.context.timers) if (timer.at <= at) this.wake(timer, at)
    }
    await this.continue()
  }

  /** The earliest timer or `timeouts` deadline: what a suspended run's alarm is set for. */
  private nextWake(snapshot: RunSnapshot): number | undefined {
    const timer = nextTimer(snapshot.context)?.at
    const deadline = deadlineOf(snapshot.context, this.options.resolve(snapshot.context.functionId))?.at
    if (timer === undefined) return deadline
    return deadline === undefined ? timer : Math.min(timer, deadline)
  }

  /** Cancels the run: a step in flight finishes, no new step starts, the alarm is cleared. */
  async cancel(reason: string = CANCELLED.api): Promise<RunInspection> {
    if (this.snapshot && this.snapshot.value !== 'done') {
      this.commit({ type: 'RUN.CANCELLED', reason, at: this.now() })
      this.pass?.abort()
      await this.act()
    }
    return this.inspect()
  }

  /**
   * A matching event for the wait at `stepKey` (from its event stream). Idempotent.
   * @returns the id of the event the wait holds now (this one, or one taken before), or null if
   *   it holds none (it timed out): a sharded stream lets go of the events the run did not take.
   */
  async resolveWait(stepKey: string, event: RunEventPayload): Promise<string | null> {
    if (await this.settleWait(stepKey, { output: toJsonText(event) })) return event.id
    return takenEventId(this.store.readStep(stepKey)?.output ?? null)
  }

  /** How the child run invoked at `stepKey` ended. Idempotent. */
  async resolveInvoke(stepKey: string, result: InvokeResult): Promise<void> {
    await this.settleWait(stepKey, 'error' in result ? { error: result.error } : { output: toJsonText(result.data) })
  }

  /** Steps the function's code reports while a call of the current pass is in flight (executor.ts). */
  checkpoint(request: CheckpointRequest): CheckpointReceipt {
    return this.pass?.checkpoint?.(request) ?? { kind: 'stale' }
  }

  /** The trigger events and step rows, as a call to the function's app carries them. */
  callState(): { readonly events: RunEventPayload[]; readonly rows: StepRow[] } {
    return { events: this.triggers(), rows: this.store.readSteps() }
  }

  /** The run's status without reading its steps. */
  status(): RunStatusSummary {
    return runStatus(this.snapshot ? persistRunSnapshot(this.snapshot) : null, this.store)
  }

  /** The run as it stands: persisted snapshot, step timeline, output. */
  inspect(): RunInspection {
    return inspectRun(this.snapshot ? persistRunSnapshot(this.snapshot) : null, this.store)
  }

  /** Settles the wait at `stepKey` with `outcome`; false if it was already resolved or timed out. */
  private async settleWait(stepKey: string, outcome: { output: string } | { error: { name: string; message: string } }): Promise<boolean> {
    const timer = this.snapshot?.context.timers.find((t) => t.stepKey === stepKey && t.kind === 'wait')
    if (!timer) return false
    const at = this.now()
    this.commit({ type: 'WAIT.RESOLVED', stepKey, at }, () => this.store.settleStep(stepKey, outcome, at))
    await this.continue()
    return true
  }

  /** After a wake or resolution: a new pass if running, else keep the alarm on the next timer. */
  private async continue(): Promise<void> {
    if (this.snapshot?.value === 'running') await this.runPass()
    else await this.syncAlarm()
  }

  /** The run's throttle and concurrency slots (derived from its function and trigger). */
  private admission(): Admission {
    const run = this.snapshot!.context
    const fn = this.options.resolve(run.functionId)
    return fn ? admissionFor(run.functionId, fn, this.triggers()[0]) : { concurrency: [], priority: 0 }
  }

  /** A pass, once the run holds its concurrency slots; else the alarm asks again later. */
  private async runPass(): Promise<void> {
    if (this.pass) return void (await this.pass.outcome)
    const admission = this.admission()
    const slots = this.ports.slots
    if (slots && admission.concurrency.length > 0 && !(await acquireSlots(slots, admission, this.snapshot!.context.runId, this.hostedAt))) {
      return this.syncAlarm()
    }
    if (this.resumingAfterReset) {
      this.resumingAfterReset = false
      const stuck = noteInterruptedPass(this.store, this.snapshot!.context.startedAt ?? 0, this.now())
      if (stuck) {
        this.settle({ kind: 'threw', error: stuck })
        await this.releaseSlots()
        return this.act()
      }
      // Counted durably before the handler runs again: a step that takes the object down again
      // must find this resumption recorded.
      await this.options.ctx.storage.sync()
    }
    await this.beginPass()?.outcome
  }

  /** Gives back concurrency slots: a run holds them only while it executes. */
  private async releaseSlots(): Promise<void> {
    const slots = this.ports.slots
    const admission = this.admission()
    if (slots && admission.concurrency.length > 0) await releaseSlots(slots, admission, this.snapshot!.context.runId)
  }

  private beginPass(): PassHandle | null {
    const snapshot = this.snapshot
    if (!snapshot || snapshot.value !== 'running' || this.pass) return this.pass
    const fn = this.options.resolve(snapshot.context.functionId)
    if (!fn) {
      this.settle({ kind: 'threw', error: new RunLimitError(`Function "${snapshot.context.functionId}" is no longer registered in this worker.`) })
      return null
    }
    const memo = new Map(this.store.readSteps().map((row) => [row.key, row]))
    const input = { runId: snapshot.context.runId, attempt: snapshot.context.attempt, events: this.triggers() }
    this.leaseLost = false
    this.watchdogMs = FIRST_WATCHDOG_MS
    this.passStartedHere = true
    const pass = (this.options.executorFor ?? defaultExecutor)(fn).start(input, createRecorder(this.recorderHost(), memo))
    this.pass = pass
    const settled = this.syncAlarm()
      .then(() => pass.outcome)
      .then(async (outcome) => {
        this.pass = null
        this.settle(outcome)
        await this.releaseSlots()
        await this.act()
        // Still running after a suspension: a wait or child run resolved while the pass was
        // executing, so the handler replays to pick the result up.
        if (this.snapshot?.value === 'running') await this.runPass()
      })
    // A pass that outlives its object (aborted, replaced after eviction) fails its writes; the
    // watchdog alarm resumes the run in the live object, so the error is only worth a log line.
    this.background(settled)
    return { outcome: settled.then(() => pass.outcome), abort: pass.abort }
  }

  private settle(outcome: PassOutcome): void {
    const limit = this.options.resolve(this.snapshot?.context.functionId ?? '')?.options.limits.maxStepOutputBytes ?? Infinity
    const transition = passTransition(outcome, this.now(), limit)
    if (!transition) return
    const { event, output } = transition
    this.commit(event, output === undefined ? undefined : () => this.store.writeText('output', output))
  }

  private wake(timer: PendingTimer, at: number): void {
    const { stepKey } = timer
    if (timer.kind === 'retry') return void this.commit({ type: 'RETRY.DUE', stepKey, at })
    if (timer.kind === 'sleep') return void this.commit({ type: 'SLEEP.ELAPSED', stepKey, at }, () => this.store.settleStep(stepKey, { output: 'null' }, at))
    const invoked = this.store.readStep(stepKey)?.kind === 'invoke'
    const outcome = invoked ? { error: { name: 'InngestInvokeTimeoutError', message: `step "${stepKey}": the invoked function did not finish before the timeout` } } : { output: 'null' }
    this.commit({ type: 'WAIT.TIMED_OUT', stepKey, at }, () => this.store.settleStep(stepKey, outcome, at))
  }

  /** One transition, persisted with its step rows and the effects the machine decides (run-transition.ts). */
  private commit(event: RunEvent, write?: (next: RunSnapshot) => void): RunSnapshot {
    if (!this.snapshot) throw new Error('commit before the run was started')
    this.snapshot = commitTransition(this.store, this.snapshot, event, write, () => this.facts(this.snapshot!.context.functionId))
    return this.snapshot
  }

  private facts(functionId: string) {
    const failureHandler = failureHandlerId(functionId)
    return hostFacts({
      fn: this.options.resolve(functionId),
      failureHandler: this.options.resolve(failureHandler) ? failureHandler : undefined,
      trigger: this.triggers()[0],
      hostedAt: this.hostedAt,
      indexed: this.ports.indexRun !== undefined,
      store: this.store,
    })
  }

  /**
   * After a transition: the alarm first (with effects pending it comes soon, so an effect cut
   * short by eviction is performed again), then the effects, then the alarm for what remains
   * (a failed effect's retry).
   */
  private async act(select?: (effect: RunEffect) => boolean): Promise<void> {
    await this.syncAlarm()
    if (await this.flushEffects(this.now(), select)) await this.syncAlarm(true)
  }

  /** Performs the recorded effects due at `at` (run-effect-delivery.ts); true if any were pending. */
  private flushEffects(at: number, select?: (effect: RunEffect) => boolean): Promise<boolean> {
    const runId = this.snapshot!.context.runId
    const self = { resolveWait: (stepKey: string, event: RunEventPayload) => this.resolveWait(stepKey, event), cancel: (reason: string) => this.cancel(reason) }
    return deliverDueEffects(
      {
        store: this.store,
        now: () => this.now(),
        perform: (effect) => performEffect(effect, runId, this.ports, self),
        failed: (effect, error, gaveUp) =>
          console.warn(`inngest.do: run ${runId} could not perform its "${effect.kind}" effect; ${gaveUp ? "gave up (see the inspection's failedEffects)" : 'retries it'}:`, error),
        ...(select ? { select } : {}),
      },
      at,
    )
  }

  private triggers(): RunEventPayload[] {
    this.triggerEvents ??= this.store.readJson<RunEventPayload[]>('trigger') ?? undefined
    return this.triggerEvents ?? []
  }

  private recorderHost() {
    return {
      store: this.store,
      ports: this.ports,
      now: () => this.now(),
      context: () => this.snapshot!.context,
      holdsSlots: () => !this.leaseLost,
      atomicSteps: this.options.shared !== undefined,
      commit: (event: RunEvent, write?: (next: RunSnapshot) => void) => this.commit(event, write),
    }
  }

  /**
   * How soon the alarm comes back for a run not suspended on a timer: soon while a pass runs
   * (the watchdog) or after a start or pass was cut short; rarely for a run held by a throttle or
   * a concurrency limit, whose slot actor announces when it may go (`admit`).
   */
  private retryMs(snapshot: RunSnapshot): number | undefined {
    if (snapshot.value === 'running') {
      if (this.pass) return this.watchdogMs
      return this.admission().concurrency.length > 0 ? MAX_WATCHDOG_MS : FIRST_WATCHDOG_MS
    }
    if (snapshot.value === 'queued') return this.admission().throttle ? MAX_WATCHDOG_MS : FIRST_WATCHDOG_MS
    return undefined
  }

  /**
   * Keeps the one alarm on: the next timer or deadline, exactly; else, while the run is not
   * suspended or has effects pending, any alarm soon enough (`retryMs`; for effects, the retry
   * of a failed one, or FIRST_WATCHDOG_MS for those being performed now). An alarm already set
   * early enough is left alone: a pass begun, a transition committed and its effects flushed
   * then cost one alarm write, not one each.
   */
  private async syncAlarm(effectsFlushed = false): Promise<void> {
    const snapshot = this.snapshot
    const now = this.now()
    const timer = snapshot && snapshot.value !== 'done' ? this.nextWake(snapshot) : undefined
    const retryMs = snapshot && snapshot.value !== 'done' ? this.retryMs(snapshot) : undefined
    const effectsAt = this.store.nextEffectAt()
    const effectsBound = effectsAt === null ? Infinity : effectsAt > now ? effectsAt : now + FIRST_WATCHDOG_MS
    const soft = Math.min(retryMs === undefined ? Infinity : now + retryMs, effectsBound)
    if (timer !== undefined && timer <= soft) return this.setAlarm(timer, true)
    if (soft === Infinity) return this.setAlarm(null, false)
    // An alarm set only for effects now performed need not wake a run that waits long (for a
    // slot, say): moved later, at one more alarm write, when that saves a wake-up.
    const setForEffectsDone = effectsFlushed && !this.alarmForTimer && effectsAt === null
    const early = this.alarmAt != null && this.alarmAt <= soft && !(setForEffectsDone && soft - this.alarmAt > FIRST_WATCHDOG_MS)
    if (early) return // it comes early enough
    await this.setAlarm(soft, false)
  }

  private async setAlarm(at: number | null, forTimer: boolean): Promise<void> {
    this.alarmForTimer = forTimer
    if (this.alarmAt === at) return
    const storage = this.options.ctx.storage
    if (this.options.shared) await this.options.shared.setAlarm(at)
    else if (at === null) await storage.deleteAlarm()
    else await storage.setAlarm(at)
    this.alarmAt = at
  }
}

const isIndexEntry = (effect: RunEffect) => effect.kind === 'index'
const notIndexEntry = (effect: RunEffect) => effect.kind !== 'index'

/** The id of the event a settled wait holds (a timed-out wait's output is null). */
function takenEventId(output: string | null): string | null {
  const value = output === null ? null : (JSON.parse(output) as { id?: unknown } | null)
  return typeof value?.id === 'string' ? value.id : null
}
