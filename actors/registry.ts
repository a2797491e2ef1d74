/**
 * The functions this worker can run, by composite id (`${appId}-${functionId}`). Functions are
 * created at module load, so every isolate, whether it serves a request, a queue batch or a run
 * actor's alarm, has the same registry.
 */
import type { RunnableFunction } from './engine/function-definition.js'

const functions = new Map<string, RunnableFunction>()

/** Registers (or replaces, on hot reload) a function under its composite id. */
export function registerFunction(compositeId: string, fn: RunnableFunction): void {
  functions.set(compositeId, fn)
}

export function findFunction(compositeId: string): RunnableFunction | undefined {
  return functions.get(compositeId)
}

/** Every registered function, with its composite id. */
export function registeredFunctions(): Array<[string, RunnableFunction]> {
  return [...functions.entries()]
}
