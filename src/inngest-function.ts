/**
 * What `createFunction` returns: the validated function, registered with the engine under its
 * composite id `${appId}-${id}` (Inngest's `function_id`).
 */
import type { FunctionOptions } from '../actors/internal.js'

/**
 * The official `fn.id(prefix?)`: the function's id, or `${prefix}-${id}`. It is also its id as
 * text (`toString`), so `${fn.id}` keeps reading as the id where a string property was used.
 */
export type FunctionId = ((prefix?: string) => string) & { toString(): string }

export class InngestFunction<Config = unknown, Event = unknown, Output = unknown> {
  /** Phantom fields carrying the types; never set at runtime. */
  declare readonly __types?: { config: Config; event: Event; output: Output }

  /**
   * The function's id as given in its config: `fn.id()`, or with a prefix, `fn.id(appId)` is the
   * composite id. As text (`${fn.id}`) it is the id.
   */
  readonly id: FunctionId

  constructor(
    /** The app's id (the client's `id`). */
    readonly appId: string,
    /** Validated, normalised options. */
    readonly options: FunctionOptions,
  ) {
    const id = options.id
    this.id = Object.assign((prefix?: string) => [prefix, id].filter(Boolean).join('-'), { toString: () => id, [Symbol.toPrimitive]: () => id })
  }

  /** `${appId}-${id}`, as Inngest names functions in its API and events. */
  get compositeId(): string {
    return `${this.appId}-${this.options.id}`
  }

  get name(): string {
    return this.options.name
  }
}
