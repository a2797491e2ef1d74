/**
 * Runs a function that lives in an app built on the official Inngest SDK, over its HTTP
 * protocol, behind the same run machine as in-process functions. One pass makes as many calls
 * as the run can go without waiting: each reply's ops are recorded through the recorder (a step
 * run: its row; a sleep, wait or invoke: a machine transition), planned steps are called by
 * `stepId`, and discovery (`stepId=step`) follows once the planned ones settled (V2). The pass
 * ends when the function returns or throws, or when nothing is left to call but sleeps, waits,
 * invokes and step retries: the machine's timers bring the next pass. See README.md.
 */
import type { SerializedError } from '../../../machines/index.js'
import type { StepKind, StepRow } from '../../storage/step-row.js'
import { markNonRetriable, RunLimitError } from '../errors.js'
import type { CheckpointReceipt, CheckpointRequest, Executor, PassHandle, PassInput, PassOutcome, StepRecorder } from '../executor.js'
import { jsonByteLength, jsonOverLimit } from '../jsonify.js'
import { callApp, type AppCallOptions } from './app-call.js'
import { callRequestBody } from './call-request.js'
import { aiGatewayRequestOf, gatewayRequestOf, performGateway, type GatewayCall } from './gateway-request.js'
import { invokeRequest, sleepWakeAt, waitRequest } from './op-requests.js'
import { MalformedResponseError, OP, parseOps, stepIdOf, type SdkOp } from './sdk-ops.js'
import type { ReplyError, SdkReply } from './sdk-reply.js'
import { signalWaitOf, signalWaitRequest } from './signal-op.js'

/** How long one call may take by default before it counts as a failed attempt. */
export const DEFAULT_CALL_TIMEOUT_MS = 5 * 60_000

/** What an HTTP executor needs to know about its function and app. */
export interface HttpExecutorOptions {
  /** The function's URL as the app synced it (`…/api/inngest?fnId=<app-fn>&stepId=step`). */
  readonly url: string
  /** The function's composite id: sent as `ctx.fn_id`, which turns a v4 SDK's checkpointing on. */
  readonly functionId: string
  /** Attempts per step and per run (retries + 1): the SDK sends `StepFailed` on the last. */
  readonly maxAttempts: number
  readonly maxStepOutputBytes: number
  readonly signingKey?: string
  readonly signingKeyFallback?: string
  /** Injected in tests (an app served in the same isolate); the global `fetch` by default. */
  readonly fetch?: typeof fetch
  readonly timeoutMs?: number
}

/** A call to make: discovery (`step`) or one planned step. */
interface Call {
  readonly stepId: string
  readonly attempt: number
  /** Planned beside other steps: its row is marked concurrent. */
  readonly concurrent: boolean
}

const DISCOVERY = 'step'
/** Planned steps called at once at most: a wide `Promise.all` goes in waves, not all its calls at once. */
const MAX_PARALLEL_CALLS = 10
/** Each call settles or suspends a step; more calls than this in one pass is an app going in circles. */
const MAX_CALLS_PER_PASS = 5_000

/** An op the executor does not run (yet): the run fails with this, naming the op. */
export class UnsupportedOpError extends Error {
  override name = 'UnsupportedOpError'
}

export class HttpExecutor implements Executor {
  constructor(private readonly options: HttpExecutorOptions) {}

  start(input: PassInput, recorder: StepRecorder): PassHandle {
    const controller = new AbortController()
    const pass = new HttpPass(this.options, input, recorder, controller.signal)
    const outcome = pass.run().catch((error: unknown): PassOutcome => (controller.signal.aborted ? { kind: 'aborted' } : { kind: 'threw', error }))
    return { outcome, abort: () => controller.abort(), checkpoint: (request) => pass.checkpoint(request) }
  }
}

class HttpPass {
  /** Step rows as they stand: the memo the pass began with, plus what it recorded. */
  private readonly rows: Map<string, StepRow>
  private readonly queue: Call[] = []
  /** `step.fetch` requests the replies asked for, made before the next calls. */
  private readonly gateways: Array<{ readonly op: SdkOp; readonly concurrent: boolean }> = []
  private readonly call: AppCallOptions
  /** A step settled since the last discovery: discover again once the queue drains. */
  private progressed = false
  /** Names this pass's calls (`qi_id`): a checkpoint counts only for the call in flight. */
  private readonly passId = crypto.randomUUID()
  private calls = 0
  private readonly inFlight = new Set<string>()

  constructor(
    private readonly options: HttpExecutorOptions,
    private readonly input: PassInput,
    private readonly recorder: StepRecorder,
    private readonly signal: AbortSignal,
  ) {
    this.rows = new Map(recorder.memo)
    this.call = {
      fetch: options.fetch ?? ((request, init) => fetch(request, init)),
      timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      now: () => recorder.now(),
      ...(options.signingKey ? { signingKey: options.signingKey } : {}),
      ...(options.signingKeyFallback ? { signingKeyFallback: options.signingKeyFallback } : {}),
    }
  }

  async run(): Promise<PassOutcome> {
    // A step whose retry fell due (its row retrying, its timer gone) is called by its id.
    const retried = [...this.rows.values()].filter((row) => row.status === 'retrying' && !this.recorder.pendingTimer(row.key)).sort((a, b) => a.position - b.position)[0]
    this.queue.push(retried ? { stepId: retried.key, attempt: retried.attempts, concurrent: retried.concurrent } : { stepId: DISCOVERY, attempt: this.input.attempt, concurrent: false })
    let budget = MAX_CALLS_PER_PASS
    for (;;) {
      if (this.signal.aborted) return { kind: 'aborted' }
      const batch = this.nextCalls()
      if (batch.length === 0) return { kind: 'suspended' }
      if (batch[0]!.stepId === DISCOVERY) this.progressed = false
      budget -= batch.length
      if (budget < 0) return { kind: 'threw', error: new RunLimitError(`The app kept answering without the run moving on (more than ${MAX_CALLS_PER_PASS} calls in one pass).`) }
      if (batch[0]!.stepId !== DISCOVERY && !this.recorder.mayStartStep()) return { kind: 'suspended' }
      // Each reply is recorded as it arrives; the first in call order that ends the pass ends it.
      const outcomes = await Promise.all(batch.map((call) => this.make(call)))
      if (this.signal.aborted) return { kind: 'aborted' }
      const ended = outcomes.find((outcome) => outcome !== undefined) ?? (await this.fetchGateways())
      if (ended) return ended
    }
  }

  /**
   * Makes the `step.fetch` requests the replies asked for, side by side, and records each answer
   * as its step's data (gateway-request.ts); then the pass discovers again with them memoized.
   */
  private async fetchGateways(): Promise<PassOutcome | undefined> {
    const due = this.gateways.splice(0)
    if (due.length === 0) return undefined
    // As before a planned step's call: without its concurrency lease the run waits for the next pass.
    if (!this.recorder.mayStartStep()) return { kind: 'suspended' }
    const lastAttempt = this.input.attempt + 1 >= this.options.maxAttempts
    const answers = await Promise.all(
      due.map(({ op }) => {
        const ai = op.op === OP.AIGateway
        const call: GatewayCall = { stepId: stepIdOf(op), kind: ai ? 'ai' : 'fetch', request: ai ? aiGatewayRequestOf(op) : gatewayRequestOf(op), lastAttempt, maxStepOutputBytes: this.options.maxStepOutputBytes, timeoutMs: this.call.timeoutMs }
        return performGateway(call, this.call.fetch, this.signal)
      }),
    )
    if (this.signal.aborted) return { kind: 'aborted' }
    for (const [index, answer] of answers.entries()) {
      const { op, concurrent } = due[index]!
      if (answer.kind === 'retry') return { kind: 'threw', error: answer.error }
      const row = this.newRow(op, 'run', concurrent, answer.kind === 'completed' ? { status: 'completed', output: answer.output, endedAt: this.recorder.now() } : { status: 'failed', attempts: 1, error: answer.error, endedAt: this.recorder.now() })
      if (!row) return this.limitReached()
      if (answer.kind === 'completed') this.recorder.completeStep(row)
      else this.recorder.failStep(row, 0, answer.error, true)
      this.record(row)
      this.progressed = true
    }
    return undefined
  }

  /**
   * The calls to make next: planned steps side by side (as Inngest runs a `Promise.all`'s steps,
   * up to MAX_PARALLEL_CALLS at once), else discovery once a step settled since the last one.
   */
  private nextCalls(): Call[] {
    if (this.queue[0]?.stepId === DISCOVERY) return [this.queue.shift()!]
    const planned: Call[] = []
    while (planned.length < MAX_PARALLEL_CALLS && this.queue[0] && this.queue[0].stepId !== DISCOVERY) planned.push(this.queue.shift()!)
    if (planned.length > 0 || !this.progressed) return planned
    return [{ stepId: DISCOVERY, attempt: this.input.attempt, concurrent: false }]
  }

  /** One call, its reply recorded; the pass's outcome when the reply ends it. */
  private async make(call: Call): Promise<PassOutcome | undefined> {
    const callId = `${this.passId}.${++this.calls}`
    this.inFlight.add(callId)
    const reply = await callApp(this.urlFor(call.stepId), this.body(call, callId), this.call, this.signal).finally(() => this.inFlight.delete(callId))
    return this.signal.aborted ? undefined : this.apply(reply, call)
  }

  private urlFor(stepId: string): string {
    const url = new URL(this.options.url)
    url.searchParams.set('stepId', stepId)
    return url.href
  }

  /**
   * Steps a v4 SDK ran in-process during call `callId` and checkpointed (`POST
   * /v1/checkpoint/:runId/async`), recorded as if a reply had carried them. Steps already
   * recorded are skipped (the SDK retries a checkpoint it saw fail). Only completed steps are
   * taken; anything else, an output over the limit or a step past the run's step limit is
   * refused, and the SDK puts the steps in its reply, where the reply path's rules apply (a
   * prefix recorded before a refusal is skipped there). Recording does not ask for another
   * discovery: the call's reply already reflects these steps.
   */
  checkpoint(request: CheckpointRequest): CheckpointReceipt {
    if (this.signal.aborted || !this.inFlight.has(request.callId)) return { kind: 'stale' }
    let ops: SdkOp[]
    try {
      ops = parseOps(request.steps).filter((op) => !this.rows.has(op.id))
    } catch (error) {
      if (error instanceof MalformedResponseError) return { kind: 'refused', reason: error.message }
      throw error
    }
    const other = ops.find((op) => op.op !== OP.StepRun && op.op !== OP.Step)
    if (other) return { kind: 'refused', reason: `op "${other.op}" of step "${stepIdOf(other)}" belongs in the call's reply` }
    const progressed = this.progressed
    try {
      for (const op of ops) {
        const output = JSON.stringify(op.data ?? null)
        if (jsonOverLimit(output, this.options.maxStepOutputBytes)) return { kind: 'refused', reason: `step "${stepIdOf(op)}" returned more than ${this.options.maxStepOutputBytes} bytes of JSON` }
        if (!this.recorder.canRecordStep()) return { kind: 'refused', reason: 'the run reached its step limit' }
        this.recordCompleted(op, false, output)
      }
    } finally {
      this.progressed = progressed
    }
    return { kind: 'recorded' }
  }

  private body(call: Call, callId: string): Record<string, unknown> {
    const rows = [...this.rows.values()]
    // As Inngest's ForceStepPlan: once steps ran side by side, or while a step waits for its
    // retry, discovery must plan new steps, not run one (it would run the waiting step early).
    const planOnly = rows.some((row) => row.concurrent || (row.status === 'retrying' && this.recorder.pendingTimer(row.key) !== undefined))
    return callRequestBody({
      runId: this.input.runId,
      functionId: this.options.functionId,
      callId,
      events: this.input.events,
      rows,
      attempt: call.attempt,
      maxAttempts: this.options.maxAttempts,
      disableImmediateExecution: planOnly,
    })
  }

  /** Records a reply; returns the pass's outcome when the reply ends it. */
  private apply(reply: SdkReply, call: Call): PassOutcome | undefined {
    if (reply.kind === 'returned') return { kind: 'returned', output: reply.output }
    if (reply.kind === 'error') return { kind: 'threw', error: toError(reply.error, reply.noRetry, reply.retryAfter) }
    const concurrent = call.concurrent || reply.ops.filter((op) => op.op !== OP.RunComplete).length > 1
    const retryAt = retryTime(reply.retryAfter, this.recorder.now())
    for (const op of reply.ops) {
      const ended = this.applyOp(op, concurrent, retryAt)
      if (ended) return ended
    }
    return undefined
  }

  private applyOp(op: SdkOp, concurrent: boolean, retryAt: number | undefined): PassOutcome | undefined {
    const recorded = this.rows.get(op.id)
    const settled = recorded?.status === 'completed' || recorded?.status === 'failed'
    switch (op.op) {
      case OP.StepRun:
      case OP.Step:
        if (!settled) return this.complete(op, concurrent)
        return undefined
      case OP.StepError:
      case OP.StepFailed:
        if (!settled) return this.fail(op, concurrent, op.op === OP.StepFailed, retryAt)
        return undefined
      case OP.StepPlanned:
        // Waiting for its retry: the timer brings a pass that calls it.
        if (settled || (recorded && this.recorder.pendingTimer(op.id))) return undefined
        if (!this.queue.some((queued) => queued.stepId === op.id)) this.queue.push({ stepId: op.id, attempt: recorded?.attempts ?? 0, concurrent })
        return undefined
      case OP.Sleep:
        return this.suspend(op, 'sleep', concurrent, (row) => this.recorder.requestSleep(row), (now) => sleepWakeAt(op, now))
      case OP.WaitForEvent: {
        const wait = waitRequest(op, this.recorder.now())
        return this.suspend(op, 'wait', concurrent, (row) => this.recorder.requestWait(row, wait), () => wait.timeoutAt)
      }
      case OP.InvokeFunction: {
        const invoke = invokeRequest(op, this.recorder.now())
        return this.suspend(op, 'invoke', concurrent, (row) => this.recorder.requestInvoke(row, invoke), () => invoke.timeoutAt)
      }
      case OP.WaitForSignal: {
        const wait = signalWaitOf(op)
        return this.suspend(op, 'wait', concurrent, (row) => this.recorder.requestWait(row, signalWaitRequest(wait, row)), wait.timeoutAt)
      }
      case OP.Gateway:
      case OP.AIGateway:
        // step.fetch, step.ai.infer: made by this object once the current calls' replies are in (fetchGateways).
        if (!settled && !this.gateways.some((due) => due.op.id === op.id)) this.gateways.push({ op, concurrent })
        return undefined
      case OP.RunComplete:
        return { kind: 'returned', output: op.data ?? null }
      case OP.DiscoveryRequest:
        this.progressed = true
        return undefined
      default:
        return {
          kind: 'threw',
          error: markNonRetriable(new UnsupportedOpError(`step "${stepIdOf(op)}" asks for op "${op.op}", which inngest.do does not run over HTTP yet (supported: StepRun, StepPlanned, StepError, StepFailed, Sleep, WaitForEvent, WaitForSignal, InvokeFunction, Gateway, AIGateway, RunComplete).`)),
        }
    }
  }

  private complete(op: SdkOp, concurrent: boolean): PassOutcome | undefined {
    const output = JSON.stringify(op.data ?? null)
    if (jsonOverLimit(output, this.options.maxStepOutputBytes)) {
      const error = new RunLimitError(`Step "${stepIdOf(op)}" returned ${jsonByteLength(output)} bytes of JSON, over the ${this.options.maxStepOutputBytes}-byte limit.`)
      return this.fail({ ...op, error: { name: error.name, message: error.message } }, concurrent, true, undefined)
    }
    return this.recordCompleted(op, concurrent, output)
  }

  /** Records `op` completed with `output` (JSON text within the limit). */
  private recordCompleted(op: SdkOp, concurrent: boolean, output: string): PassOutcome | undefined {
    const row = this.newRow(op, 'run', concurrent, { status: 'completed', output, endedAt: this.recorder.now() })
    if (!row) return this.limitReached()
    this.recorder.completeStep(row)
    this.record(row)
    this.progressed = true
    return undefined
  }

  private fail(op: SdkOp, concurrent: boolean, final: boolean, retryAt: number | undefined): PassOutcome | undefined {
    const attempt = this.rows.get(op.id)?.attempts ?? 0
    const error = serializedOf(op.error ?? op.data)
    const row = this.newRow(op, 'run', concurrent, { status: 'failed', attempts: attempt + 1, error, endedAt: this.recorder.now() })
    if (!row) return this.limitReached()
    const verdict = this.recorder.failStep(row, attempt, error, final, retryAt)
    this.record({ ...row, status: verdict })
    // A retry waits for its timer; a step failed for good is handed to the function as a StepError.
    if (verdict === 'failed') this.progressed = true
    return undefined
  }

  /** Sleeps, waits and invokes: requested once; a pass that meets one again only waits on. */
  private suspend(op: SdkOp, kind: StepKind, concurrent: boolean, request: (row: StepRow) => void, wakeAt: (now: number) => number): PassOutcome | undefined {
    const recorded = this.rows.get(op.id)
    if (recorded?.status === 'completed' || recorded?.status === 'failed') return undefined
    if (recorded) {
      // Its timer lost (it should not be): asked for again, so the run cannot stall.
      if (!this.recorder.pendingTimer(op.id)) request(recorded)
      return undefined
    }
    const now = this.recorder.now()
    const row = this.newRow(op, kind, concurrent, { status: kind === 'sleep' ? 'sleeping' : 'waiting', wakeAt: wakeAt(now) })
    if (!row) return this.limitReached()
    request(row)
    this.record(row)
    return undefined
  }

  /** A row for `op`, or undefined when the run has no room for one more step. */
  private newRow(op: SdkOp, kind: StepKind, concurrent: boolean, fields: Partial<StepRow> & Pick<StepRow, 'status'>): StepRow | undefined {
    const recorded = this.rows.get(op.id)
    if (!recorded && !this.recorder.canRecordStep()) return undefined
    const position = recorded?.position ?? this.rows.size
    return {
      key: op.id,
      id: stepIdOf(op),
      kind,
      position,
      concurrent: recorded?.concurrent || concurrent,
      attempts: recorded?.attempts ?? 0,
      output: null,
      error: null,
      startedAt: recorded?.startedAt ?? this.recorder.now(),
      endedAt: null,
      wakeAt: null,
      ...fields,
    }
  }

  private record(row: StepRow): void {
    this.rows.set(row.key, row)
  }

  private limitReached(): PassOutcome {
    return { kind: 'threw', error: new RunLimitError('The run reached its step limit. Raise it in the function’s config (limits) or split the work.') }
  }
}

/** An error a reply carried, as the run host reads it: name, message, stack, retry rule. */
function toError(reply: ReplyError, noRetry: boolean, retryAfter: string | undefined): Error {
  const error = new Error(reply.message)
  error.name = reply.name
  error.stack = reply.stack ?? `${reply.name}: ${reply.message}`
  if (retryAfter !== undefined) Object.defineProperty(error, 'retryAfter', { value: retryAfter })
  return noRetry ? (markNonRetriable(error) as Error) : error
}

/** A step's error as the SDK serialized it (`{ name, message, stack, __serialized }`), as rows store it. */
function serializedOf(value: unknown): SerializedError {
  const error = (typeof value === 'object' && value !== null ? value : { message: String(value) }) as Record<string, unknown>
  const name = typeof error.name === 'string' && error.name ? error.name : 'Error'
  const message = typeof error.message === 'string' ? error.message : JSON.stringify(value) ?? 'step failed'
  return { name, message, ...(typeof error.stack === 'string' ? { stack: error.stack } : {}) }
}

/** `retry-after` as a time: whole seconds, or an HTTP/ISO date. */
export function retryTime(retryAfter: string | undefined, now: number): number | undefined {
  if (!retryAfter) return undefined
  if (/^\d+$/.test(retryAfter.trim())) return now + Number(retryAfter.trim()) * 1_000
  const at = Date.parse(retryAfter)
  return Number.isNaN(at) ? undefined : at
}
