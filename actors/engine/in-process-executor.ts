/**
 * The default executor: runs the handler inside the run's own Durable Object, so a new
 * `step.run` costs one local storage transaction and no network round trip.
 */
import type { Executor, PassHandle, PassInput, StepRecorder } from './executor.js'
import type { EngineContext, RunLogger, RunnableFunction } from './function-definition.js'
import { HandlerPass } from './handler-pass.js'
import { createStepTools } from './step-tools.js'

function runLogger(runId: string): RunLogger {
  const prefix = `[run ${runId}]`
  return {
    info: (...args) => console.info(prefix, ...args),
    warn: (...args) => console.warn(prefix, ...args),
    error: (...args) => console.error(prefix, ...args),
    debug: (...args) => console.debug(prefix, ...args),
  }
}

export class InProcessExecutor implements Executor {
  constructor(private readonly fn: RunnableFunction) {}

  start(input: PassInput, recorder: StepRecorder): PassHandle {
    const pass = new HandlerPass(recorder, this.fn.options.limits.maxStepOutputBytes)
    const [event] = input.events
    if (!event) throw new Error(`run ${input.runId} has no trigger event`)
    const context: EngineContext = {
      event,
      events: input.events,
      step: createStepTools(pass, recorder, input.runId),
      runId: input.runId,
      attempt: input.attempt,
      logger: runLogger(input.runId),
    }
    return pass.begin(() => this.fn.handler(context))
  }
}
