/**
 * Inngest v4's trigger helpers: `cron(expression)` and `invoke(schema)`, the typed trigger of a
 * function meant to be called with `step.invoke`.
 */
import { EventType, type EventDataSchema } from './event-type.js'
import type { StandardSchemaV1 } from './standard-schema.js'

/** The event name a `step.invoke` delivers to the invoked function. */
export const INVOKED_EVENT = 'inngest/function.invoked'

/**
 * A cron trigger, as `{ cron: expression }`.
 * @example
 * ```ts
 * inngest.createFunction({ id: 'digest', triggers: [cron('TZ=Europe/Paris 0 9 * * 1')] }, handler)
 * ```
 */
export function cron<const Schedule extends string>(schedule: Schedule): { cron: Schedule } {
  if (typeof schedule !== 'string' || schedule.trim().length === 0) {
    throw new TypeError('cron: the schedule must be a cron expression. Fix: pass one such as "0 9 * * *" or "TZ=Europe/Paris 0 9 * * *".')
  }
  return { cron: schedule }
}

/**
 * A typed invoke trigger: the function can be called with `step.invoke`, and `event.data` is
 * typed and validated by `schema`.
 * @example
 * ```ts
 * inngest.createFunction({ id: 'charge', triggers: [invoke(z.object({ amount: z.number() }))] }, ({ event }) => event.data.amount)
 * ```
 */
export function invoke<Data extends Record<string, unknown>>(schema: StandardSchemaV1<Data>): EventType<typeof INVOKED_EVENT, StandardSchemaV1<Data, Data>> {
  return new EventType({ name: INVOKED_EVENT, schema: schema as StandardSchemaV1<Data, Data> & EventDataSchema })
}
