/**
 * Inngest v3's `EventSchemas`: a type-only declaration of the events an app sends and handles.
 */
import type { EventMap } from './types.js'

/** What `fromRecord` accepts: each event's `data`, if declared, is an object. Interfaces too. */
export type EventRecord<Record> = { [Name in keyof Record]: { data?: object } }

/** What `fromUnion` accepts: events as `{ name, data }`. */
export type EventUnion = { name: string; data?: object }

/** An event's declared `data`; an event declared without data carries an empty object. */
type DataOf<Event> = Event extends { data?: infer Data } ? ('data' extends keyof Event ? Exclude<Data, undefined> : Record<string, never>) : never

/**
 * The events an app sends and handles, declared for the types only (nothing is validated at
 * runtime). Pass it as the client's `schemas`; chain `fromRecord` and `fromUnion` as needed.
 * @example
 * ```ts
 * type Events = { 'app/user.created': { data: { id: string } } }
 * const inngest = new Inngest({ id: 'app', schemas: new EventSchemas().fromRecord<Events>() })
 * ```
 */
export class EventSchemas<Events extends EventMap = {}> {
  /** Phantom field carrying the event map; never set at runtime. */
  declare readonly __events?: Events

  /** Adds events from a record of `{ name: { data } }`. */
  fromRecord<Added extends EventRecord<Added>>(): EventSchemas<Events & { [Name in keyof Added & string]: { data: DataOf<Added[Name]> } }> {
    return this as never
  }

  /** Adds events from a union of `{ name, data }` types. */
  fromUnion<Added extends EventUnion>(): EventSchemas<Events & { [Event in Added as Event['name']]: { data: DataOf<Event> } }> {
    return this as never
  }
}
