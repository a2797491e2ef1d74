/**
 * The functions this worker can run, by composite id (`${appId}-${functionId}`). Functions are
 * created at module load, so every isolate, whether it serves a request, a queue batch or a run
 * actor's alarm, has the same registry.
 *
 * An id names one function: events, run ids and stored runs find the function by it, so a second,
 * different function under the same id is refused (a `TypeError` naming both) instead of silently
 * replacing the first. Ids the SDK generates (an onFailure handler's) take a form no user function
 * id can take, so they can never collide with one.
 */
import type { RunnableFunction } from './engine/function-definition.js'
import { InputError } from './engine/input-error.js'

/** Who defined a registered function: named when two definitions claim one id. */
export interface FunctionOrigin {
  /** The app (client) id; absent for a function registered by hand with `registerFunction`. */
  readonly appId?: string
  /** The function id as its author wrote it (for a generated function: its parent's). */
  readonly functionId: string
  /** Set when the SDK generated the id: what for. */
  readonly generated?: 'onFailure'
  /**
   * What makes two registrations the same function, compared with `===`: the SDK passes a text
   * of the definition (so a module evaluated twice registers the same function again, harmlessly);
   * by default it is the handler itself.
   */
  readonly definition: unknown
}

/**
 * The id of the function that runs `compositeId`'s onFailure handler: `${compositeId}:failure`.
 * User function ids are slugs (no ":") and end a composite id, so none can take this form,
 * whatever the app id.
 */
export function failureHandlerId(compositeId: string): string {
  return `${compositeId}${FAILURE_SUFFIX}`
}

const FAILURE_SUFFIX = ':failure'
/** Before the generated form above, onFailure handlers were registered as `${compositeId}-failure`. */
const LEGACY_FAILURE_SUFFIX = '-failure'

interface Registered {
  readonly fn: RunnableFunction
  readonly origin: FunctionOrigin
}

/** One registration: the id, the function and who defined it. */
export interface Registration {
  readonly id: string
  readonly fn: RunnableFunction
  readonly origin?: FunctionOrigin
}

/** A set of functions by id. The worker has one (below); tests may make their own. */
export class FunctionRegistry {
  private readonly functions = new Map<string, Registered>()

  /**
   * Registers functions, all or none: a function already registered with an equal origin is
   * replaced (the same definition again); any other function under a taken id is refused.
   * @throws {TypeError} naming both functions and the fix.
   */
  register(registrations: readonly Registration[]): void {
    const batch = new Map<string, Registered>()
    for (const { id, fn, origin = { functionId: id, definition: fn.handler } } of registrations) {
      const taken = batch.get(id) ?? this.functions.get(id)
      if (taken && !sameOrigin(taken.origin, origin)) throw collision(id, origin, taken.origin)
      batch.set(id, { fn, origin })
    }
    for (const [id, entry] of batch) this.functions.set(id, entry)
  }

  /** The function registered under `id`; an onFailure handler also under its former id. */
  find(id: string): RunnableFunction | undefined {
    const found = this.functions.get(id)
    if (found || !id.endsWith(LEGACY_FAILURE_SUFFIX)) return found?.fn
    // A run (or a stored start-run effect) from before generated ids changed form.
    const handler = this.functions.get(failureHandlerId(id.slice(0, -LEGACY_FAILURE_SUFFIX.length)))
    return handler?.origin.generated === 'onFailure' ? handler.fn : undefined
  }

  /** Whether `id` is one the SDK generated (not a function users may trigger or invoke). */
  isGenerated(id: string): boolean {
    const registered = this.functions.get(id)
    // Not registered under `id`, but found: a handler by its former id.
    return registered ? registered.origin.generated !== undefined : this.find(id) !== undefined
  }

  /** Every registered function, with its id. */
  entries(): Array<[string, RunnableFunction]> {
    return [...this.functions].map(([id, { fn }]) => [id, fn])
  }
}

function sameOrigin(a: FunctionOrigin, b: FunctionOrigin): boolean {
  return a.appId === b.appId && a.functionId === b.functionId && a.generated === b.generated && a.definition === b.definition
}

function describeOrigin(origin: FunctionOrigin): string {
  const fn = origin.appId === undefined ? `function "${origin.functionId}" (registered with registerFunction)` : `function "${origin.functionId}" of app "${origin.appId}"`
  return origin.generated === 'onFailure' ? `the onFailure handler of ${fn} (a generated id)` : fn
}

function collision(id: string, added: FunctionOrigin, taken: FunctionOrigin): InputError {
  const sameName = added.appId === taken.appId && added.functionId === taken.functionId && added.generated === taken.generated
  const problem = sameName
    ? `"${id}" is defined twice with different definitions: ${describeOrigin(added)} and the one registered before`
    : `"${id}" is claimed by ${describeOrigin(added)} and by ${describeOrigin(taken)}` +
      (added.appId !== undefined && taken.appId !== undefined ? ' (a composite id is "<app id>-<function id>")' : '')
  const fix = sameName
    ? 'give each function its own id, or define it once and import it where it is needed'
    : 'rename one of the two functions (or its app), so that each composite id names one function'
  return new InputError('id', problem, fix, `Function id ${problem}; one would silently replace the other. Fix: ${fix}.`)
}

const registry = new FunctionRegistry()

/**
 * Registers a function under its composite id. Registering the same definition again is
 * harmless; a different function under a taken id throws a `TypeError`.
 */
export function registerFunction(compositeId: string, fn: RunnableFunction, origin?: FunctionOrigin): void {
  registry.register([{ id: compositeId, fn, ...(origin ? { origin } : {}) }])
}

/** Registers several functions (a function and its onFailure handler) all or none. */
export function registerFunctions(registrations: readonly Registration[]): void {
  registry.register(registrations)
}

export function findFunction(compositeId: string): RunnableFunction | undefined {
  return registry.find(compositeId)
}

/** Whether `id` is an id the SDK generated (an onFailure handler's). */
export function isGeneratedFunction(id: string): boolean {
  return registry.isGenerated(id)
}

/** Every registered function, with its composite id. */
export function registeredFunctions(): Array<[string, RunnableFunction]> {
  return registry.entries()
}
