/**
 * Inngest v3's `EventSchemas`: a type-only declaration of the events an app sends and handles.
 * @example
 * ```ts
 * type Events = { 'app/user.created': { data: { id: string } } }
 * const inngest = new Inngest({ id: 'app', schemas: new EventSchemas().fromRecord<Events>() })
 * ```
 */
import type { EventMap } from './types.js'

export class EventSchemas<Events extends EventMap = {}> {
  /** Phantom field carrying the event map; never set at runtime. */
  declare readonly __events?: Events

  /** Adds events from a record of `{ name: { data } }`. */
  fromRecord<Added extends EventMap>(): EventSchemas<Events & Added> {
    return this as unknown as EventSchemas<Events & Added>
  }
}
