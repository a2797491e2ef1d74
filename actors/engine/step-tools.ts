/**
 * The step tools handed to an in-process handler: argument parsing and validation in front of
 * the pass. A bad argument fails at the call, naming the step, and is not retried.
 */
import { sendSignalInWorker } from '../events/signals.js'
import { prepareEvents } from '../events/prepare-events.js'
import { findFunction, isGeneratedFunction } from '../registry.js'
import { buildInferRequest, sendInferRequest, unavailableModels, type InferModel } from './ai-step.js'
import { ambientExecution, runInsideStep } from './ambient-step.js'
import { durationToMs, MAX_SLEEP_MS, wakeTimeToMs } from './duration.js'
import { markNonRetriable } from './errors.js'
import type { StepRecorder } from './executor.js'
import { compileExpression, matchToIf } from './expression.js'
import type { EngineStepTools, InvokeTarget, StepIdInput } from './function-definition.js'
import type { HandlerPass } from './handler-pass.js'
import { toJsonText } from './jsonify.js'
import { deriveStepEventId } from './run-id.js'
import { fetchForMemo, fetchStepId, responseFromMemo, type MemoizedResponse } from './step-fetch.js'
import { createWaitForSignal } from './wait-for-signal.js'

/** The tools beyond the engine's core: `step.fetch` and `step.ai` (step-fetch.ts, ai-step.ts). */
export interface ExtraStepTools {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  ai: {
    infer(id: StepIdInput, options: { model: InferModel; body: Record<string, unknown> }): Promise<unknown>
    wrap(id: StepIdInput, fn: (...args: unknown[]) => unknown, ...args: unknown[]): Promise<unknown>
    /** The official re-exports of `@inngest/ai`'s helpers: each throws, naming the import to use. */
    models: typeof unavailableModels
  }
  /** `step.waitForSignal` (wait-for-signal.ts). */
  waitForSignal: ReturnType<typeof createWaitForSignal>
  /** `step.sendSignal(id, { signal, data })`: `inngest.sendSignal` as a step (events/signals.ts). */
  sendSignal(id: StepIdInput, options: { signal: string; data?: unknown }): Promise<{ runId: string | undefined }>
}

function stepId(id: StepIdInput, tool: string): string {
  const value = typeof id === 'string' ? id : id?.id
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`step.${tool}: the step id must be a non-empty string (got ${JSON.stringify(id)}). Fix: pass a stable id such as "fetch-user".`)
  }
  return value
}

function checkSleep(ms: number, id: string): number {
  if (ms > MAX_SLEEP_MS) {
    throw new TypeError(`step "${id}": sleeps and timeouts are limited to one year. Fix: sleep in several steps, or use a shorter timeout.`)
  }
  return ms
}

function invokeTarget(target: InvokeTarget, key: string): string {
  const functionId = typeof target === 'string' ? target : target?.compositeId
  if (typeof functionId !== 'string' || !findFunction(functionId)) {
    throw new TypeError(`step "${key}": step.invoke's function is not a function of this worker (got ${JSON.stringify(functionId ?? target)}). Fix: pass the value createFunction returned, or its "app-id" composite id.`)
  }
  if (isGeneratedFunction(functionId)) {
    throw new TypeError(`step "${key}": step.invoke's function ${JSON.stringify(functionId)} is an onFailure handler, which only a failed run starts. Fix: invoke a function created with createFunction.`)
  }
  return functionId
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

export function createStepTools(pass: HandlerPass, recorder: StepRecorder, runId: string): EngineStepTools & ExtraStepTools {
  const tools: EngineStepTools = {
    run(id, fn, ...args) {
      const key = stepId(id, 'run')
      if (typeof fn !== 'function') throw new TypeError(`step "${key}": step.run needs a function as its second argument.`)
      return pass.run(key, (stepKey) => runInsideStep(stepKey, () => fn(...args)))
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
    waitForEvent: waitForEventTool(pass, recorder),
    sendEvent: sendEventTool(pass, recorder, runId),
    invoke: invokeTool(pass, recorder),
  }
  return {
    run: failFast(tools.run),
    sleep: failFast(tools.sleep),
    sleepUntil: failFast(tools.sleepUntil),
    waitForEvent: failFast(tools.waitForEvent),
    sendEvent: failFast(tools.sendEvent),
    invoke: failFast(tools.invoke),
    ...extraTools(pass, recorder, tools),
  }
}

/** `step.waitForEvent`: a wait for the event, registered once the step is recorded, with its timeout. */
function waitForEventTool(pass: HandlerPass, recorder: StepRecorder): EngineStepTools['waitForEvent'] {
  return (id, options) => {
    const key = stepId(id, 'waitForEvent')
    if (typeof options?.event !== 'string' || options.event.length === 0) {
      throw new TypeError(`step "${key}": waitForEvent needs options.event, the event name to wait for.`)
    }
    const timeout = checkSleep(durationToMs(options.timeout, `step "${key}" timeout`), key)
    const source = options.if ?? (options.match === undefined ? undefined : matchToIf(options.match))
    const expression = source === undefined ? null : (compileExpression(source, `step "${key}" ${options.if === undefined ? 'match' : 'if'}`), source)
    return pass.await(key, 'wait', (now) => now + timeout, (row) => recorder.requestWait(row, { event: options.event, timeoutAt: row.wakeAt ?? 0, expression }))
  }
}

/** `step.sendEvent`: the events checked at once, published as a step with ids derived from it. */
function sendEventTool(pass: HandlerPass, recorder: StepRecorder, runId: string): EngineStepTools['sendEvent'] {
  return (id, payload, options) => {
    const key = stepId(id, 'sendEvent')
    const prepared = prepareEvents(payload, recorder.now())
    if (!prepared.ok) {
      const { index, field, error, fix } = prepared.problem
      throw new TypeError(`step "${key}": event[${index}]${field ? `.${field}` : ''}: ${error}. Fix: ${fix}.`)
    }
    const explicitIds = (Array.isArray(payload) ? payload : [payload]).map((event) => (event as { id?: unknown })?.id)
    return pass.run(
      key,
      (stepKey) => (options?.wrap ?? ((publish) => publish()))(async () => {
        // All of the batch is checked before any of it is published: an invalid event sends none.
        await options?.validate?.(prepared.events)
        // Ids derived from the step: a re-sent step (crash before it was recorded) is deduplicated.
        const events = await Promise.all(prepared.events.map(async (event, i) => (explicitIds[i] ? event : { ...event, id: await deriveStepEventId(runId, stepKey, i) })))
        await recorder.publishEvents(events)
        return { ids: events.map((event) => event.id) }
      }),
      'sendEvent',
    ) as Promise<{ ids: string[] }>
  }
}

/** `step.invoke`: the child run requested once the step is recorded; its result, or the timeout. */
function invokeTool(pass: HandlerPass, recorder: StepRecorder): EngineStepTools['invoke'] {
  return (id, options) => {
    const key = stepId(id, 'invoke')
    const functionId = invokeTarget(options?.function, key)
    const data = options.data ?? {}
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError(`step "${key}": step.invoke's data must be an object.`)
    // The child's event carries it as JSON: what cannot be written fails here, naming the path.
    toJsonText(data, `step "${key}": step.invoke's data is not JSON`)
    const timeout = checkSleep(options.timeout === undefined ? MAX_SLEEP_MS : durationToMs(options.timeout, `step "${key}" timeout`), key)
    return pass.await(key, 'invoke', (now) => now + timeout, (row) => recorder.requestInvoke(row, { functionId, data, timeoutAt: row.wakeAt ?? 0 }))
  }
}

/** The tools beyond the engine's own: signals, `step.fetch` and `step.ai`, built on `tools`. */
function extraTools(pass: HandlerPass, recorder: StepRecorder, tools: EngineStepTools): ExtraStepTools {
  return {
    waitForSignal: failFast(createWaitForSignal(pass, recorder)),
    // A step, as officially: a replay does not send the signal again; it answers `{ runId }`.
    sendSignal: failFast((id: StepIdInput, options: { signal: string; data?: unknown }) =>
      tools.run(id, () => sendSignalInWorker(options?.signal, options?.data, `step "${stepId(id, 'sendSignal')}": sendSignal`)) as Promise<{ runId: string | undefined }>,
    ),
    fetch: failFast((input: RequestInfo | URL, init?: RequestInit) => {
      // Inside a step body the official SDK makes a plain fetch: the step memoizes it already.
      if (ambientExecution()?.executingStep) return fetch(input, init)
      const key = fetchStepId(input)
      return (pass.run(key, () => fetchForMemo(input, init)) as Promise<MemoizedResponse>).then(responseFromMemo)
    }),
    ai: {
      infer: failFast((id: StepIdInput, options: { model: InferModel; body: Record<string, unknown> }) => {
        const key = stepId(id, 'ai.infer')
        const request = buildInferRequest(options?.model, options?.body, key)
        return pass.run(key, () => sendInferRequest(request, key))
      }),
      wrap: failFast((id: StepIdInput, fn: (...args: unknown[]) => unknown, ...args: unknown[]) => tools.run(id, fn, ...args)),
      models: unavailableModels,
    },
  }
}
