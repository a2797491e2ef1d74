/**
 * The step tools handed to an in-process handler: argument parsing and validation in front of
 * the pass. A bad argument fails at the call, naming the step.
 */
import { durationToMs, MAX_SLEEP_MS, wakeTimeToMs } from './duration.js'
import type { EngineStepTools, StepIdInput } from './function-definition.js'
import type { HandlerPass } from './handler-pass.js'
import { markNonRetriable } from './errors.js'

function stepId(id: StepIdInput, tool: string): string {
  const value = typeof id === 'string' ? id : id?.id
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`step.${tool}: the step id must be a non-empty string (got ${JSON.stringify(id)}). Fix: pass a stable id such as "fetch-user".`)
  }
  return value
}

function checkSleep(ms: number, id: string): number {
  if (ms > MAX_SLEEP_MS) {
    throw new TypeError(`step "${id}": sleeps are limited to one year. Fix: sleep in several steps, or schedule with sleepUntil within a year.`)
  }
  return ms
}

/**
 * Bad step arguments are programming errors that fail the same way on every attempt: mark them
 * so the run fails at once instead of retrying.
 */
function failFast<Args extends unknown[], R>(tool: (...args: Args) => R): (...args: Args) => R {
  return (...args) => {
    try {
      return tool(...args)
    } catch (error) {
      throw markNonRetriable(error)
    }
  }
}

export function createStepTools(pass: HandlerPass): EngineStepTools {
  const tools: EngineStepTools = {
    run(id, fn, ...args) {
      const key = stepId(id, 'run')
      if (typeof fn !== 'function') throw new TypeError(`step "${key}": step.run needs a function as its second argument.`)
      return pass.run(key, () => fn(...args))
    },
    sleep(id, duration) {
      const key = stepId(id, 'sleep')
      const ms = checkSleep(durationToMs(duration, `step "${key}" duration`), key)
      return pass.sleep(key, (now) => now + ms)
    },
    sleepUntil(id, time) {
      const key = stepId(id, 'sleepUntil')
      const at = wakeTimeToMs(time, `step "${key}" time`)
      return pass.sleep(key, (now) => (checkSleep(at - now, key), at))
    },
    waitForEvent(id, options) {
      const key = stepId(id, 'waitForEvent')
      if (typeof options?.event !== 'string' || options.event.length === 0) {
        throw new TypeError(`step "${key}": waitForEvent needs options.event, the event name to wait for.`)
      }
      const timeout = checkSleep(durationToMs(options.timeout, `step "${key}" timeout`), key)
      return pass.wait(key, options.event, (now) => now + timeout)
    },
  }
  return {
    run: failFast(tools.run),
    sleep: failFast(tools.sleep),
    sleepUntil: failFast(tools.sleepUntil),
    waitForEvent: failFast(tools.waitForEvent),
  }
}
