/**
 * What `createFunction` returns: the validated function, registered with the engine under its
 * composite id `${appId}-${id}` (Inngest's `function_id`).
 */
import type { FunctionOptions } from '../actors/index.js'

export class InngestFunction<Config = unknown, Event = unknown, Output = unknown> {
  /** Phantom fields carrying the types; never set at runtime. */
  declare readonly __types?: { config: Config; event: Event; output: Output }

  constructor(
    /** The app's id (the client's `id`). */
    readonly appId: string,
    /** Validated, normalised options. */
    readonly options: FunctionOptions,
  ) {}

  /** The function's id as given in its config. */
  get id(): string {
    return this.options.id
  }

  /** `${appId}-${id}`, as Inngest names functions in its API and events. */
  get compositeId(): string {
    return `${this.appId}-${this.options.id}`
  }

  get name(): string {
    return this.options.name
  }
}
