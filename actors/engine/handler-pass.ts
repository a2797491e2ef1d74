/**
 * One execution of a handler from the top. Memoized steps resolve from their rows; a new
 * `step.run` executes inline and its result is persisted (through the recorder) before the
 * handler sees it; sleeps, waits and retries suspend the step forever in this pass. The pass
 * ends when the handler settles, or when nothing is executing and something is suspended.
 *
 * A pass that retries a step is that step's execution, as an Inngest request retrying one step
 * is: the handler's `attempt` is the step's, and the pass yields once the step settles, so the
 * code after it runs in a new pass, on the run's attempt.
 */
import type { StepRow, StepKind } from '../storage/step-row.js'
import { isNonRetriable, requestedRetryAt, RunLimitError, serializeError, StepError } from './errors.js'
import type { PassHandle, PassOutcome, StepRecorder } from './executor.js'
import type { StepPreview } from './function-definition.js'
import { jsonByteLength, jsonOverLimit, toJsonText } from './jsonify.js'
import { ReplayCheck } from './replay-check.js'
import { StepKeys } from './step-key.js'

/** A step whose result is final: replaying it hands the handler its stored output or error. */
const isSettled = (row: StepRow) => row.status === 'completed' || row.status === 'failed'

/** A promise that never settles: a suspended step blocks its branch of the handler. */
const never = <T>() => new Promise<T>(() => {})

/** A planned step: its key, call position and whether another step was executing. */
interface Planned {
  readonly key: string
  readonly id: string
  readonly kind: StepKind
  readonly position: number
  readonly concurrent: boolean
  readonly recorded: StepRow | undefined
}

export class HandlerPass {
  private readonly keys = new StepKeys()
  private readonly check: ReplayCheck
  private position = 0
  private executing = 0
  private suspended = 0
  private closed = false
  /** Set once the retried step settled: nothing new starts, and the pass ends when idle. */
  private yielding = false
  /**
   * The step this pass retries: its retry fell due (its row is `retrying` and its timer gone).
   * One at most: the first wake-up takes the run out of `retrying`, so a second retry due at
   * the same alarm keeps its timer and comes next. (Were there several, the first in call
   * order would decide.)
   */
  readonly retried: StepRow | undefined
  /** Memoized steps (completed or failed) this pass has not yet handed back to the handler. */
  private toReplay: number
  private settle!: (outcome: PassOutcome) => void
  readonly outcome = new Promise<PassOutcome>((resolve) => (this.settle = resolve))

  constructor(
    private readonly recorder: StepRecorder,
    private readonly maxOutputBytes: number,
  ) {
    this.check = new ReplayCheck(recorder.memo)
    this.toReplay = [...recorder.memo.values()].filter(isSettled).length
    this.retried = [...recorder.memo.values()]
      .filter((row) => row.status === 'retrying' && !recorder.pendingTimer(row.key))
      .sort((a, b) => a.position - b.position)[0]
  }

  /** The attempt this pass executes: the retried step's, else `runAttempt` (the handler's). */
  attempt(runAttempt: number): number {
    return this.retried?.attempts ?? runAttempt
  }

  /**
   * Whether the handler is still replaying code that an earlier pass already ran: true until it
   * has been handed every memoized result, or reaches a step that is not memoized. `ctx.logger`
   * stays quiet meanwhile, so a log line is written once, not once per pass.
   */
  get memoizing(): boolean {
    return this.toReplay > 0
  }

  /** What the next call of step `id` would be, without planning it (for middleware's step info). */
  peek(id: string): StepPreview {
    const key = this.keys.peek(id)
    const recorded = this.recorder.memo.get(key)
    const memoized = recorded !== undefined && isSettled(recorded)
    return { key, memoized, attempt: recorded?.attempts ?? 0, endsMemoization: this.toReplay > 0 && (!memoized || this.toReplay === 1) }
  }

  /** Starts `body` (the handler bound to its context) and returns the handle. */
  begin(body: () => unknown): PassHandle {
    Promise.resolve()
      .then(body)
      .then(
        (output) => this.finish({ kind: 'returned', output }),
        (error: unknown) => this.finish({ kind: 'threw', error }),
      )
    return { outcome: this.outcome, abort: () => this.finish({ kind: 'aborted' }) }
  }

  /**
   * `step.run` (and `step.sendEvent`, a run step of its own kind): memoized, or executed inline
   * with its result persisted before returning. `fn` receives the step's key.
   */
  run(id: string, fn: (key: string) => unknown, kind: StepKind = 'run'): Promise<unknown> {
    const step = this.plan(id, kind)
    if (!step) return never()
    const { recorded } = step
    if (recorded?.status === 'completed') return Promise.resolve(JSON.parse(recorded.output ?? 'null'))
    if (recorded?.status === 'failed') return Promise.reject(new StepError(id, recorded.error ?? serializeError('failed')))
    if (this.recorder.pendingTimer(step.key)) return this.suspend()
    if (!recorded && !this.admitNewStep()) return never()
    // Without a slot, stop at this step boundary; the next pass takes a slot again first.
    if (!this.recorder.mayStartStep()) return this.suspend()
    return this.execute(step, recorded?.attempts ?? 0, () => fn(step.key))
  }

  /** `step.sleep` / `step.sleepUntil`: resolves once the wake time has passed. */
  sleep(id: string, wakeAt: (now: number) => number): Promise<null> {
    const step = this.plan(id, 'sleep')
    if (!step) return never()
    if (step.recorded?.status === 'completed') return Promise.resolve(null)
    if (step.recorded) return this.resuspend(step.recorded, () => this.recorder.requestSleep(step.recorded!))
    if (!this.admitNewStep()) return never()
    const now = this.recorder.now()
    this.recorder.requestSleep(this.row(step, { status: 'sleeping', startedAt: now, wakeAt: wakeAt(now) }))
    return this.suspend()
  }

  /**
   * `step.waitForEvent` and `step.invoke`: suspends until the host settles the step from outside
   * (a matching event, the child's result, or the timeout); then returns the recorded result or
   * throws the recorded error. `register` records the request (wait or child run) for the host.
   */
  await(id: string, kind: 'wait' | 'invoke', timeoutAt: (now: number) => number, register: (row: StepRow) => void): Promise<unknown> {
    const step = this.plan(id, kind)
    if (!step) return never()
    const { recorded } = step
    if (recorded?.status === 'completed') return Promise.resolve(JSON.parse(recorded.output ?? 'null'))
    if (recorded?.status === 'failed') return Promise.reject(new StepError(id, recorded.error ?? serializeError('failed')))
    if (recorded) return this.resuspend(recorded, () => register(recorded))
    if (!this.admitNewStep()) return never()
    const now = this.recorder.now()
    register(this.row(step, { status: 'waiting', startedAt: now, wakeAt: timeoutAt(now) }))
    return this.suspend()
  }

  private plan(id: string, kind: StepKind): Planned | undefined {
    if (this.closed || this.yielding) return undefined
    const key = this.keys.next(id)
    const position = this.position++
    const recorded = this.recorder.memo.get(key)
    // Past the last memoized result, or at new code: memoization has ended for this pass.
    this.toReplay = recorded && isSettled(recorded) ? this.toReplay - 1 : 0
    try {
      this.check.verify(key, kind, position, recorded)
    } catch (error) {
      this.finish({ kind: 'threw', error })
      return undefined
    }
    return { key, id, kind, position, concurrent: this.executing > 0, recorded }
  }

  private admitNewStep(): boolean {
    if (this.recorder.canRecordStep()) return true
    this.finish({
      kind: 'threw',
      error: new RunLimitError('The run reached its step limit. Raise it with createFunction({ limits: { steps } }) (up to 100,000).'),
    })
    return false
  }

  private async execute(step: Planned, attempt: number, fn: () => unknown): Promise<unknown> {
    const startedAt = this.recorder.now()
    let result: { output: string; recorded?: true } | { error: unknown }
    this.executing++
    try {
      const atomic = this.recorder.atomically
      const completed = atomic ? atomic(() => this.completeSynchronously(step, attempt, startedAt, fn)) : { pending: fn() }
      result = 'output' in completed ? completed : { output: this.outputText(step, await completed.pending) }
    } catch (error) {
      result = { error }
    }
    // Before recording: a failure that suspends must already count as not executing.
    this.executing--
    if (this.closed) return never()
    const settled =
      'error' in result ? this.recordFailure(step, attempt, startedAt, result.error) : result.recorded ? this.recorded(result.output) : this.recordOutput(step, attempt, startedAt, result.output)
    // The retried step completed or failed for good: its execution ends here.
    if (step.key === this.retried?.key && !this.recorder.pendingTimer(step.key)) this.yielding = true
    if (!this.yielding) return settled
    // Withheld: the next pass hands the recorded result (or StepError) to the handler.
    settled.catch(() => {})
    this.maybeYield()
    return never()
  }

  /**
   * Inside the recorder's transaction (`atomically`, a run in an entity): a synchronous body and
   * its completed row commit together, so its writes to the object's own SQLite happen exactly
   * once. A body that throws, or whose result cannot be stored, rolls its writes back (thrown on
   * to be recorded as the step's failure). An async body only began here: it is awaited outside.
   */
  private completeSynchronously(step: Planned, attempt: number, startedAt: number, fn: () => unknown): { output: string; recorded: true } | { pending: unknown } {
    const value = fn()
    if (isThenable(value)) return { pending: value }
    const output = this.outputText(step, value)
    const limit = this.outputLimitError(step, output)
    if (limit) throw limit
    this.recorder.completeStep(this.row(step, { status: 'completed', attempts: attempt, output, startedAt, endedAt: this.recorder.now() }))
    return { output, recorded: true }
  }

  private outputText(step: Planned, value: unknown): string {
    return toJsonText(value, `step "${step.id}" returned a value that is not JSON`)
  }

  private outputLimitError(step: Planned, output: string): RunLimitError | undefined {
    if (!jsonOverLimit(output, this.maxOutputBytes)) return undefined
    return new RunLimitError(
      `Step "${step.id}" returned ${jsonByteLength(output)} bytes of JSON, over the ${this.maxOutputBytes}-byte limit. ` +
        'Store large data elsewhere (R2, KV) and return a reference, or raise limits.stepOutputBytes.',
    )
  }

  private recordOutput(step: Planned, attempt: number, startedAt: number, output: string): Promise<unknown> {
    const limit = this.outputLimitError(step, output)
    if (limit) return this.recordFailure(step, attempt, startedAt, limit)
    this.recorder.completeStep(this.row(step, { status: 'completed', attempts: attempt, output, startedAt, endedAt: this.recorder.now() }))
    return this.recorded(output)
  }

  /** A completed step's result, its row written. */
  private recorded(output: string): Promise<unknown> {
    this.maybeIdle()
    return Promise.resolve(JSON.parse(output))
  }

  private recordFailure(step: Planned, attempt: number, startedAt: number, error: unknown): Promise<never> {
    if (this.closed) return never()
    const now = this.recorder.now()
    const serialized = serializeError(error)
    const row = this.row(step, { status: 'failed', attempts: attempt + 1, error: serialized, startedAt, endedAt: now })
    const verdict = this.recorder.failStep(row, attempt, serialized, isNonRetriable(error), requestedRetryAt(error, now))
    if (verdict === 'retrying') return this.suspend()
    // This step no longer executes: if a sibling is suspended, the pass may now be idle.
    this.maybeIdle()
    return Promise.reject(new StepError(step.id, serialized))
  }

  private row(step: Planned, fields: Partial<StepRow> & Pick<StepRow, 'status'>): StepRow {
    return {
      key: step.key,
      id: step.id,
      kind: step.kind,
      position: step.position,
      concurrent: step.concurrent,
      attempts: step.recorded?.attempts ?? 0,
      output: null,
      error: null,
      startedAt: null,
      endedAt: null,
      wakeAt: null,
      ...fields,
    }
  }

  /**
   * Suspends on a recorded sleep or wait again. Its timer is normally still pending; if the
   * machine lost it, re-register it from the row so the run cannot stall without an alarm.
   */
  private resuspend<T>(recorded: StepRow, register: () => void): Promise<T> {
    if (!this.recorder.pendingTimer(recorded.key)) register()
    return this.suspend()
  }

  private suspend<T>(): Promise<T> {
    this.suspended++
    this.maybeIdle()
    return never()
  }

  /**
   * Ends the pass as suspended once nothing executes. The check waits one macrotask so that
   * memoized siblings and handler code resolving in microtasks can still plan their steps.
   */
  private maybeIdle(): void {
    if (this.executing > 0 || this.suspended === 0 || this.closed) return
    setTimeout(() => {
      if (this.executing === 0) this.finish(this.yielding ? { kind: 'yielded' } : { kind: 'suspended' })
    }, 0)
  }

  /** Ends a yielding pass once the steps still executing beside the retried one are recorded. */
  private maybeYield(): void {
    if (this.executing === 0) this.finish({ kind: 'yielded' })
  }

  private finish(outcome: PassOutcome): void {
    if (this.closed) return
    this.closed = true
    this.settle(outcome)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}
