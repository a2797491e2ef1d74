/**
 * `@dotdo/inngest/components/InngestStepTools`, for v3's deep import of the same path, which apps
 * use to type the `step` they pass to helpers: `ReturnType<typeof createStepTools<typeof inngest>>`
 * or `GetStepTools<typeof inngest>`.
 */
import type { Inngest } from '../client.js'
import type { GetStepTools } from '../context-types.js'

export type { GetStepTools } from '../context-types.js'
export type { StepTools } from '../types.js'

/**
 * Typed as the official one, for `ReturnType<typeof createStepTools<typeof inngest>>`; calling it
 * throws a `TypeError`: step tools exist only inside a run. Fix: use the `step` the handler receives.
 */
export function createStepTools<Client extends Inngest<any> = Inngest<any>>(..._args: unknown[]): GetStepTools<Client> {
  throw new TypeError("createStepTools is internal to the SDK: step tools exist only inside a run. Fix: use the `step` your handler receives, and type helpers' parameters with GetStepTools<typeof inngest>.")
}
