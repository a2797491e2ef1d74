/**
 * Mocked steps for the test engine: a mocked `step.run` (or `step.sendEvent`) runs its mock in
 * place of its body, through the real engine, so the mock's result is recorded and memoized as
 * the body's would be. Mocks are found by step key (`id`, then `id:1`, `id:2` … for repeats),
 * counted here as the engine counts them.
 */
import type { EngineStepTools, StepIdInput } from '../../actors/engine/function-definition.js'
import { StepKeys } from '../../actors/engine/step-key.js'
import type { StepMocks } from './memory-recorder.js'

/** `step` with mocked bodies replaced; one per pass, as step keys count per pass. */
export function withMockedSteps(step: EngineStepTools, mocks: StepMocks): EngineStepTools {
  const keys = new StepKeys()
  const mockFor = (id: StepIdInput): (() => unknown) | undefined => {
    const value = typeof id === 'string' ? id : id?.id
    return typeof value === 'string' && value.length > 0 ? mocks.get(keys.next(value)) : undefined
  }
  return {
    run: (id, body, ...args) => {
      const mock = mockFor(id)
      return mock ? step.run(id, () => mock()) : step.run(id, body, ...args)
    },
    sendEvent: (id, payload, options) => {
      const mock = mockFor(id)
      return step.sendEvent(id, payload, mock ? { ...options, wrap: async () => (await mock()) as { ids: string[] } } : options)
    },
    // Counted only: the recorder settles waits and invokes with their mocks between passes.
    sleep: (id, duration) => (mockFor(id), step.sleep(id, duration)),
    sleepUntil: (id, time) => (mockFor(id), step.sleepUntil(id, time)),
    waitForEvent: (id, options) => (mockFor(id), step.waitForEvent(id, options)),
    invoke: (id, options) => (mockFor(id), step.invoke(id, options)),
  }
}
