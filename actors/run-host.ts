/**
 * The run host: drives one run's machine on a Durable Object's storage. Its one loop is
 * load snapshot → transition → persist snapshot and step row in one transaction → act (alarms,
 * follow-up runs). `RunActor` is a thin DO around it; users embed it in their own DO the same
 * way (construct it in the constructor, forward `alarm()`).
 */
import {
  advanceRun,
  canRecordStep,
  initialRunSnapshot,
  nextTimer,
  persistRunSnapshot,
  restoreRunSnapshot,
  type PendingTimer,
  type RunEvent,
  type RunSnapshot,
} from '../machines/index.js'
import { isNonRetriable, RunLimitError, serializeError, StepError } from './engine/errors.js'
import type { PassHandle, PassOutcome, RunEventPayload, StepRecorder } from './engine/executor.js'
import type { RunnableFunction } from './engine/function-definition.js'
import { InProcessExecutor } from './engine/in-process-executor.js'
import { jsonByteLength, toJsonText } from './engine/jsonify.js'
import { failureRun, toStartRequest, type PendingRunStart, type StartRunRequest } from './start-run-request.js'
import { inspectRun, type RunInspection } from './run-inspection.js'
import { RunStore } from './storage/run-store.js'

/** While a pass runs, an alarm this far ahead resumes the run if the object is evicted. */
const WATCHDOG_MS = 30_000

export interface RunHostOptions {
  /** The Durable Object's state: storage and alarms of the run. */
  readonly ctx: DurableObjectState
  /** Finds a function by its composite id (`app-fn`). */
  readonly resolve: (functionId: string) => RunnableFunction | undefined
  /** Starts another run (the onFailure handler's); without it, onFailure is not run. */
  readonly startRun?: (request: StartRunRequest) => Promise<unknown>
  readonly now?: () => number
}

export class RunHost {
  private readonly store: RunStore
  private readonly now: () => number
  private snapshot: RunSnapshot | null
  private pass: PassHandle | null = null

  /** Call from the DO constructor (inside `blockConcurrencyWhile`): migrates and loads. */
  constructor(private readonly options: RunHostOptions) {
    this.store = new RunStore(options.ctx.storage)
    this.now = options.now ?? Date.now
    const persisted = this.store.readSnapshot()
    this.snapshot = persisted ? restoreRunSnapshot(persisted) : null
  }

  /** Starts the run once; repeated calls (redelivered messages) change nothing. */
  async start(request: StartRunRequest): Promise<RunInspection> {
    if (!this.snapshot) {
      const fn = this.options.resolve(request.functionId)
      if (!fn) throw new TypeError(`No function "${request.functionId}" is registered in this worker.`)
      const at = this.now()
      const queued = initialRunSnapshot({ runId: request.runId, functionId: request.functionId, retry: fn.options.retry, maxSteps: fn.options.limits.maxSteps, at })
      this.snapshot = queued
      this.commit({ type: 'RUN.START', at }, () => this.store.writeJson('trigger', request.events))
      this.beginPass()
    }
    return this.inspect()
  }

  /** Alarm: resume after eviction, or wake due sleeps, retries and wait timeouts. */
  async alarm(): Promise<void> {
    await this.flushEffects()
    const snapshot = this.snapshot
    if (!snapshot || this.pass) return this.syncAlarm()
    if (snapshot.value !== 'running') {
      // The alarm is only ever set for the earliest timer, and alarms never fire early: when it
      // fires, that timer is due even if the clock reads earlier (a test firing it ahead of time).
      const at = Math.max(this.now(), nextTimer(snapshot.context)?.at ?? 0)
      for (const timer of snapshot.context.timers) if (timer.at <= at) this.wake(timer, at)
    }
    if (this.snapshot?.value === 'running') await this.beginPass()?.outcome
    else await this.syncAlarm()
  }

  /** Cancels the run: a step in flight finishes, no new step starts, the alarm is cleared. */
  async cancel(reason = 'Cancelled via API'): Promise<RunInspection> {
    if (this.snapshot && this.snapshot.value !== 'done') {
      this.commit({ type: 'RUN.CANCELLED', reason, at: this.now() })
      this.pass?.abort()
      await this.syncAlarm()
    }
    return this.inspect()
  }

  /** The run as it stands: persisted snapshot, step timeline, output. */
  inspect(): RunInspection {
    return inspectRun(this.snapshot ? persistRunSnapshot(this.snapshot) : null, this.store)
  }

  private beginPass(): PassHandle | null {
    const snapshot = this.snapshot
    if (!snapshot || snapshot.value !== 'running' || this.pass) return this.pass
    const fn = this.options.resolve(snapshot.context.functionId)
    if (!fn) {
      const error = new RunLimitError(`Function "${snapshot.context.functionId}" is no longer registered in this worker.`)
      this.settle({ kind: 'threw', error })
      return null
    }
    const events = this.store.readJson<RunEventPayload[]>('trigger') ?? []
    const memo = new Map(this.store.readSteps().map((row) => [row.key, row]))
    const input = { runId: snapshot.context.runId, attempt: snapshot.context.attempt, events }
    const pass = new InProcessExecutor(fn).start(input, this.recorder(memo))
    this.pass = pass
    const settled = this.syncAlarm()
      .then(() => pass.outcome)
      .then(async (outcome) => {
        this.pass = null
        this.settle(outcome)
        // The alarm first: with effects pending it fires now, so a failed flush is retried.
        await this.syncAlarm()
        if (await this.flushEffects()) await this.syncAlarm()
      })
      // A pass that outlives its object (aborted, replaced after eviction) fails its writes; the
      // watchdog alarm resumes the run in the live object, so the error is only worth a log line.
      .catch((error: unknown) => console.warn('inngest.do: pass ended without recording:', error))
    this.options.ctx.waitUntil(settled)
    return { outcome: settled.then(() => pass.outcome), abort: pass.abort }
  }

  private settle(outcome: PassOutcome): void {
    const at = this.now()
    switch (outcome.kind) {
      case 'returned': {
        const output = toJsonText(outcome.output)
        const limit = this.options.resolve(this.snapshot?.context.functionId ?? '')?.options.limits.maxStepOutputBytes
        if (limit !== undefined && jsonByteLength(output) > limit) {
          return this.settle({ kind: 'threw', error: new RunLimitError(`The handler returned ${jsonByteLength(output)} bytes of JSON, over the ${limit}-byte output limit.`) })
        }
        return void this.commit({ type: 'RUN.COMPLETED', at }, () => this.store.writeText('output', output))
      }
      case 'threw': {
        // An uncaught StepError means a step already used its attempts: retrying the whole
        // handler would only replay the memoized failure.
        const nonRetriable = outcome.error instanceof StepError || isNonRetriable(outcome.error)
        const error = serializeError(outcome.error)
        const next = this.commit({ type: 'RUN.FAILED', error, nonRetriable, at }, (next) => {
          if (next.value === 'done') this.scheduleFailureRun(next)
        })
        return void next
      }
      case 'suspended':
        return void this.commit({ type: 'RUN.SUSPENDED', at })
      case 'aborted':
        return
    }
  }

  /** onFailure runs as its own run; recorded as a pending effect in the failing transaction. */
  private scheduleFailureRun(failed: RunSnapshot): void {
    const failure = this.options.resolve(`${failed.context.functionId}-failure`)
    if (!failure || !this.options.startRun) return
    const events = this.store.readJson<RunEventPayload[]>('trigger') ?? []
    this.store.writeJson('pending_effects', [failureRun(failed.context, events)])
  }

  /** Performs persisted follow-up effects; true if there were any. */
  private async flushEffects(): Promise<boolean> {
    const pending = this.store.readJson<PendingRunStart[]>('pending_effects')
    if (!pending || !this.options.startRun) return false
    // Idempotent by derived run id: a crash before the delete starts nothing twice.
    for (const run of pending) await this.options.startRun(await toStartRequest(run))
    this.store.deleteKey('pending_effects')
    return true
  }

  private wake(timer: PendingTimer, at: number): void {
    const { stepKey } = timer
    if (timer.kind === 'retry') return void this.commit({ type: 'RETRY.DUE', stepKey, at })
    const type = timer.kind === 'sleep' ? 'SLEEP.ELAPSED' : 'WAIT.TIMED_OUT'
    this.commit({ type, stepKey, at }, () => this.store.settleStep(stepKey, 'null', at))
  }

  /**
   * One transition, persisted: the write callback (step rows) and the new snapshot commit in
   * one storage transaction. An event the machine ignores writes only the step row.
   */
  private commit(event: RunEvent, write?: (next: RunSnapshot) => void): RunSnapshot {
    const current = this.snapshot
    if (!current) throw new Error('commit before the run was started')
    const next = advanceRun(current, event)
    this.store.transaction(() => {
      write?.(next)
      if (next !== current) this.store.writeSnapshot(persistRunSnapshot(next))
    })
    this.snapshot = next
    return next
  }

  private recorder(memo: StepRecorder['memo']): StepRecorder {
    const context = () => this.snapshot!.context
    return {
      memo,
      now: this.now,
      pendingTimer: (stepKey) => context().timers.find((timer) => timer.stepKey === stepKey),
      canRecordStep: () => canRecordStep(context()),
      completeStep: (row) => void this.commit({ type: 'STEP.COMPLETED', stepKey: row.key, at: row.endedAt ?? this.now() }, () => this.store.writeStep(row)),
      failStep: (row, attempt, error, nonRetriable, retryAt) => {
        const event: RunEvent = { type: 'STEP.FAILED', stepKey: row.key, attempt, error, nonRetriable, at: this.now(), ...(retryAt === undefined ? {} : { retryAt }) }
        let retrying = false
        this.commit(event, (next) => {
          retrying = next.context.timers.some((timer) => timer.stepKey === row.key && timer.kind === 'retry')
          this.store.writeStep({ ...row, status: retrying ? 'retrying' : 'failed' })
        })
        return retrying ? 'retrying' : 'failed'
      },
      requestSleep: (row) => void this.commit({ type: 'SLEEP.REQUESTED', stepKey: row.key, wakeAt: row.wakeAt ?? this.now(), at: this.now() }, () => this.store.writeStep(row)),
      requestWait: (row, event, timeoutAt) => void this.commit({ type: 'WAIT.REQUESTED', stepKey: row.key, event, timeoutAt, at: this.now() }, () => this.store.writeStep(row)),
    }
  }

  /** Keeps the one alarm on the earliest wake-up, or the watchdog while running. */
  private async syncAlarm(): Promise<void> {
    const snapshot = this.snapshot
    const storage = this.options.ctx.storage
    const pendingEffects = this.store.readText('pending_effects') !== null
    let wakeAt: number | undefined
    if (pendingEffects) wakeAt = this.now()
    else if (snapshot?.value === 'running') wakeAt = this.now() + WATCHDOG_MS
    else if (snapshot && snapshot.value !== 'done') wakeAt = nextTimer(snapshot.context)?.at
    if (wakeAt === undefined) await storage.deleteAlarm()
    else await storage.setAlarm(wakeAt)
  }
}
