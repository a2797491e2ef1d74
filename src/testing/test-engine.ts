/**
 * `InngestTestEngine`: `@inngest/test`'s API over this SDK's own engine. A function runs
 * in-process, in the test's isolate, on the real handler pass, with steps memoized between
 * passes; mocked steps run their mock in place of their body; sleeps are skipped; waits resolve
 * with their mock's event or null; `step.sendEvent` is recorded, not sent.
 */
import { StepError } from '../../actors/engine/errors.js'
import type { RunEventPayload } from '../../actors/engine/executor.js'
import type { EngineContext, EngineStepTools, RunLogger } from '../../actors/engine/function-definition.js'
import { findFunction } from '../../actors/registry.js'
import type { StepRow } from '../../actors/storage/step-row.js'
import type { InngestFunction } from '../inngest-function.js'
import { fn, type Mock } from './spy.js'
import { runFunction, type TestRunReport } from './test-run.js'

/** The event a run gets when the test gives none, as `@inngest/test` mocks it. */
export const createMockEvent = (): RunEventPayload => ({ id: crypto.randomUUID(), name: 'inngest/function.invoked', data: {}, ts: Date.now() })

/**
 * The default `transformCtx`: every `step.*` tool becomes a spy that calls through. Call it in
 * your own `transformCtx` to keep the spies.
 */
export function mockCtx(ctx: EngineContext): EngineContext {
  const spy = <K extends keyof EngineStepTools>(name: K, recorded?: (args: unknown[]) => unknown[]) =>
    fn(ctx.step[name] as (...args: any[]) => any, { name: `step.${name}`, ...(recorded ? { recorded } : {}) }) as unknown as EngineStepTools[K]
  const step: EngineStepTools = {
    run: spy('run'),
    sleep: spy('sleep'),
    sleepUntil: spy('sleepUntil'),
    waitForEvent: spy('waitForEvent'),
    // The SDK passes its own options to sendEvent; the spy records what the handler passed.
    sendEvent: spy('sendEvent', (args) => args.slice(0, 2)),
    invoke: spy('invoke'),
  }
  return { ...ctx, step }
}

export namespace InngestTestEngine {
  /** A mocked step: `handler` runs in place of the step's body (or resolves its wait or invoke). */
  export interface MockedStep {
    /** The step's id; `id:1`, `id:2` … for its later calls in one run. */
    id: string
    handler: () => unknown
  }

  /** An event as a test gives it: `id`, `ts` and `data` are filled in when missing. */
  export interface MockEvent {
    name: string
    data?: Record<string, unknown>
    id?: string
    ts?: number
    v?: string
    user?: Record<string, unknown>
  }

  export interface Options {
    /** The function to test: what `createFunction` returned. */
    function: InngestFunction<any, any, any>
    /** The events the run receives; an `inngest/function.invoked` event when absent. */
    events?: readonly [MockEvent, ...MockEvent[]] | readonly MockEvent[]
    steps?: readonly MockedStep[]
    /** Changes the context handed to the handler; the default (`mockCtx`) spies on `step.*`. */
    transformCtx?: (ctx: EngineContext) => EngineContext
  }

  export type InlineOptions = Omit<Options, 'function'>

  /** The handler's context, with `step.*` as spies (under the default `transformCtx`). */
  export interface MockContext {
    event: EngineContext['event']
    events: EngineContext['events']
    runId: string
    attempt: number
    logger: RunLogger
    step: { [K in keyof EngineStepTools]: Mock<EngineStepTools[K]> }
  }

  /** Each step's outcome by key: resolves with its result, rejects with its error. */
  export type MockState = Record<string, Promise<unknown>>

  export interface RunOutput {
    /** What the function returned. */
    result?: unknown
    /** What the function threw (a step's error as a `StepError`). */
    error?: unknown
    ctx: MockContext
    state: MockState
    /** The events `step.sendEvent` recorded instead of sending (not in `@inngest/test`). */
    sentEvents: RunEventPayload[]
  }

  export interface RunStepOutput extends RunOutput {
    /** The step stopped at: its key, id, kind (`run`, `sleep`, `wait` …) and status. */
    step: { id: string; name: string; op: StepRow['kind']; status: StepRow['status'] }
  }
}

/**
 * @example
 * ```ts
 * import { InngestTestEngine } from '@dotdo/inngest/test'
 * const t = new InngestTestEngine({ function: helloWorld })
 * const { result } = await t.execute({ events: [{ name: 'test/hello', data: { name: 'Ada' } }] })
 * expect(result).toBe('Hello, Ada!')
 * ```
 */
export class InngestTestEngine {
  constructor(protected readonly options: InngestTestEngine.Options) {}

  /** A new engine with `inlineOpts` merged over these options. */
  clone(inlineOpts?: InngestTestEngine.InlineOptions): InngestTestEngine {
    return new InngestTestEngine({ ...this.options, ...inlineOpts })
  }

  /** Runs the function until it returns or throws. */
  async execute(inlineOpts?: InngestTestEngine.InlineOptions): Promise<InngestTestEngine.RunOutput> {
    const report = await this.run(inlineOpts)
    const { ending } = report
    if (ending.kind === 'stopped') throw new Error('InngestTestEngine: a run without a target step stopped; this is a bug in the test engine.')
    return { ...outputOf(report), ...(ending.kind === 'returned' ? { result: ending.output } : { error: ending.error }) }
  }

  /**
   * Runs the function until step `stepId` ran (its result or error) or, for a sleep, wait or
   * invoke, until the step was reached.
   * @throws when the function ends without reaching the step.
   */
  async executeStep(stepId: string, inlineOpts?: InngestTestEngine.InlineOptions): Promise<InngestTestEngine.RunStepOutput> {
    const report = await this.run(inlineOpts, stepId)
    const { ending } = report
    if (ending.kind !== 'stopped') {
      const how = ending.kind === 'returned' ? 'returned' : `threw (${String((ending.error as Error)?.message ?? ending.error)})`
      throw new Error(`InngestTestEngine: step "${stepId}" was never reached: the function ${how} first.`)
    }
    const { row } = ending
    const step = { id: row.key, name: row.id, op: row.kind, status: row.status }
    const outcome = row.status === 'completed' ? { result: JSON.parse(row.output ?? 'null') } : row.error ? { error: new StepError(row.id, row.error) } : {}
    return { ...outputOf(report), ...outcome, step }
  }

  private run(inlineOpts: InngestTestEngine.InlineOptions | undefined, stopAt?: string): Promise<TestRunReport> {
    const options = { ...this.options, ...inlineOpts }
    const target = options.function as { compositeId?: unknown } | undefined
    const fn = typeof target?.compositeId === 'string' ? findFunction(target.compositeId) : undefined
    if (!fn) throw new TypeError('InngestTestEngine: options.function must be a function created with createFunction from @dotdo/inngest.')
    const given = options.events?.length ? options.events : [createMockEvent()]
    const events = given.map((event) => ({ ...createMockEvent(), ...event, data: event.data ?? {} }) as RunEventPayload)
    const mocks = new Map((options.steps ?? []).map((step) => [step.id, step.handler] as const))
    return runFunction({ fn, events, mocks, transformCtx: options.transformCtx ?? mockCtx, ...(stopAt === undefined ? {} : { stopAt }) })
  }
}

function outputOf(report: TestRunReport): Omit<InngestTestEngine.RunOutput, 'result' | 'error'> {
  const state: InngestTestEngine.MockState = {}
  for (const row of report.rows.values()) {
    const settled = row.status === 'completed' ? Promise.resolve(JSON.parse(row.output ?? 'null')) : row.error ? Promise.reject(new StepError(row.id, row.error)) : undefined
    // Handled here, so a step error the test never looks at is not an unhandled rejection.
    settled?.catch(() => {})
    if (settled) state[row.key] = settled
  }
  return { ctx: report.ctx as unknown as InngestTestEngine.MockContext, state, sentEvents: [...report.sent] }
}
