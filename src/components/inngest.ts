/**
 * `@dotdo/inngest/components/Inngest`, for v3's deep import of the same path: the client and the
 * type helpers keyed on it.
 */
import type { Inngest } from '../client.js'

export { Inngest } from '../client.js'
export type { ClientOptions, GetEvents } from '../client.js'
export type { GetFunctionInput, GetStepTools } from '../context-types.js'
export type { GetFunctionOutput } from '../types.js'

/** Any client (v3's `AnyInngest`). */
export type AnyInngest = Inngest<any>
