/**
 * The default executor: runs the handler inside the run's own Durable Object, so a new
 * `step.run` costs one local storage transaction and no network round trip.
 */
import type { Executor, PassHandle, PassInput, PassOutcome, StepRecorder } from './executor.js'
import type { EngineContext, RunnableFunction } from './function-definition.js'
import { HandlerPass } from './handler-pass.js'
import { runWithAmbientStep } from './ambient-step.js'
import { consoleLogger, memoizationAwareLogger } from './run-logger.js'
import { createStepTools } from './step-tools.js'

/** How a pass ended, as middleware sees it (`PassInfo.ended`). */
type PassEnd = Exclude<PassOutcome['kind'], 'yielded'>

export class InProcessExecutor implements Executor {
  constructor(private readonly fn: RunnableFunction) {}

  start(input: PassInput, recorder: StepRecorder): PassHandle {
    const pass = new HandlerPass(recorder, this.fn.options.limits.maxStepOutputBytes)
    const [event] = input.events
    if (!event) throw new Error(`run ${input.runId} has no trigger event`)
    let passEnded!: (kind: PassEnd) => void
    const ended = new Promise<PassEnd>((resolve) => (passEnded = resolve))
    const context: EngineContext = {
      event,
      events: input.events,
      step: createStepTools(pass, recorder, input.runId),
      runId: input.runId,
      // A step's retry is its own execution, on the step's attempt, as on Inngest.
      attempt: pass.attempt(input.attempt),
      logger: memoizationAwareLogger(this.fn.logger ?? consoleLogger(input.runId), () => pass.memoizing),
      pass: {
        get memoizing() {
          return pass.memoizing
        },
        ended,
        peek: (id) => pass.peek(id),
      },
    }
    const handle = pass.begin(() => runWithAmbientStep(context.step, () => this.fn.handler(context)))
    // Middleware sees a yielded pass as a suspended one: it ended without the handler settling.
    void handle.outcome.then((outcome) => passEnded(outcome.kind === 'yielded' ? 'suspended' : outcome.kind))
    return handle
  }
}
