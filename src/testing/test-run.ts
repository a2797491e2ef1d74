/**
 * One test run: the function's handler on the real engine pass (`InProcessExecutor`,
 * `HandlerPass`), pass after pass against an in-memory recorder, with no Durable Object and no
 * waiting: sleeps, waits, invokes and retries fall due at once between passes. Errors follow the
 * run's retry policy as on Cloudflare: a step is retried up to its attempts, then its `StepError`
 * is thrown into the handler; an error outside any step retries the handler.
 */
import { isNonRetriable, StepError } from '../../actors/engine/errors.js'
import type { RunEventPayload } from '../../actors/engine/executor.js'
import type { EngineContext, RunnableFunction } from '../../actors/engine/function-definition.js'
import { InProcessExecutor } from '../../actors/engine/in-process-executor.js'
import { toJsonText } from '../../actors/engine/jsonify.js'
import type { StepRow } from '../../actors/storage/step-row.js'
import { hasAttemptsLeft } from '../../machines/index.js'
import { MemoryRecorder, type StepMocks } from './memory-recorder.js'
import { withMockedSteps } from './mocked-steps.js'

/** Far more passes than any test needs: a run that keeps going is a bug to report. */
const MAX_PASSES = 10_000

export interface TestRunInput {
  readonly fn: RunnableFunction
  readonly events: readonly RunEventPayload[]
  readonly mocks: StepMocks
  readonly transformCtx: (ctx: EngineContext) => EngineContext
  /** Stop once this step key is recorded (run, failed, or asked to sleep or wait). */
  readonly stopAt?: string
}

/** How a test run ended, with the last pass's context and the rows it left. */
export interface TestRunReport {
  readonly ending: { kind: 'returned'; output: unknown } | { kind: 'threw'; error: unknown } | { kind: 'stopped'; row: StepRow }
  readonly ctx: EngineContext | undefined
  readonly rows: ReadonlyMap<string, StepRow>
  readonly sent: readonly RunEventPayload[]
}

export async function runFunction(input: TestRunInput): Promise<TestRunReport> {
  const { fn, events, mocks, stopAt } = input
  const recorder = new MemoryRecorder(fn.options.retry, fn.options.limits.maxSteps)
  const runId = crypto.randomUUID()
  let ctx: EngineContext | undefined
  let stopped: StepRow | undefined
  let runAttempt = 0
  const report = (ending: TestRunReport['ending']): TestRunReport => ({ ending, ctx, rows: recorder.rows, sent: recorder.sent })
  const executor = new InProcessExecutor({
    ...fn,
    handler: (engineCtx) => {
      const prepared = input.transformCtx({ ...engineCtx, step: withMockedSteps(engineCtx.step, mocks) })
      const { pass: _pass, platform: _platform, ...visible } = prepared
      ctx = visible
      return fn.handler(prepared)
    },
  })
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const handle = executor.start({ runId, attempt: runAttempt, events }, recorder.forPass())
    recorder.onStep = stopAt === undefined ? undefined : (row) => {
      if (row.key !== stopAt || stopped) return
      stopped = row
      handle.abort()
    }
    const outcome = await handle.outcome
    if (stopped) return report({ kind: 'stopped', row: stopped })
    if (outcome.kind === 'returned') {
      try {
        toJsonText(outcome.output, 'the function returned a value that is not JSON')
      } catch (error) {
        return report({ kind: 'threw', error })
      }
      return report({ kind: 'returned', output: outcome.output })
    }
    if (outcome.kind === 'threw') {
      // An uncaught StepError: the step already used its attempts (as RunHost decides).
      const retriable = !(outcome.error instanceof StepError) && !isNonRetriable(outcome.error)
      if (!retriable || !hasAttemptsLeft(fn.options.retry, runAttempt)) return report({ kind: 'threw', error: outcome.error })
      runAttempt++
      continue
    }
    if (!(await recorder.fireTimers(mocks)) && outcome.kind !== 'yielded') {
      return report({ kind: 'threw', error: new Error('InngestTestEngine: the run suspended with nothing to wait for; this is a bug in the test engine.') })
    }
  }
  return report({ kind: 'threw', error: new Error(`InngestTestEngine: the run did not end within ${MAX_PASSES} passes.`) })
}
