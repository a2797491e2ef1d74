/**
 * Inngest v3's `EventSchemas`: a declaration of the events an app sends and handles, for the
 * types. As in the official SDK, nothing is validated at runtime: `fromZod` and `fromSchema` keep
 * their schemas (`runtimeSchemas`) but do not check events against them. To validate, declare the
 * event with `eventType(name, { schema })`.
 */
import { zodSchemasByName, type LiteralZodEventSchemas, type ZodEventSchemas, type ZodEvents } from './event-schemas-zod.js'
import type { StandardSchemaV1 } from './standard-schema.js'
import type { EventMap } from './types.js'

export type { LiteralZodEventSchema, LiteralZodEventSchemas, ZodEventSchemas } from './event-schemas-zod.js'

/** What `fromRecord` accepts: each event's `data`, if declared, is an object. Interfaces too. */
export type EventRecord<Record> = { [Name in keyof Record]: { data?: object } }

/** What `fromUnion` accepts: events as `{ name, data }`. */
export type EventUnion = { name: string; data?: object }

/** What `fromSchema` accepts: each event's data as a Standard Schema producing an object. */
export type StandardSchemas = Record<string, StandardSchemaV1<any, Record<string, any>>>

/** An event's declared `data`; an event declared without data carries an empty object. */
type DataOf<Event> = Event extends { data?: infer Data } ? ('data' extends keyof Event ? Exclude<Data, undefined> : Record<string, never>) : never

/**
 * The events an app sends and handles, declared for the types only. Pass it as the client's
 * `schemas`; chain `fromRecord`, `fromUnion`, `fromZod` and `fromSchema` as needed.
 * @example
 * ```ts
 * const inngest = new Inngest({
 *   id: 'app',
 *   schemas: new EventSchemas().fromZod({ 'app/user.created': { data: z.object({ id: z.string() }) } }),
 * })
 * ```
 */
export class EventSchemas<Events extends EventMap = {}> {
  /** Phantom field carrying the event map; never set at runtime. */
  declare readonly __events?: Events
  /** The schemas given to `fromZod` and `fromSchema`, by event name (the official SDK's field, read by validation middleware). */
  protected runtimeSchemas: Record<string, unknown> = {}

  /** Adds events from a record of `{ name: { data } }`. */
  fromRecord<Added extends EventRecord<Added>>(): EventSchemas<Events & { [Name in keyof Added & string]: { data: DataOf<Added[Name]> } }> {
    return this as never
  }

  /** Adds events from a union of `{ name, data }` types. */
  fromUnion<Added extends EventUnion>(): EventSchemas<Events & { [Event in Added as Event['name']]: { data: DataOf<Event> } }> {
    return this as never
  }

  /** Adds events from generated types, a record as `fromRecord` takes. */
  fromGenerated<Added extends EventRecord<Added>>(): EventSchemas<Events & { [Name in keyof Added & string]: { data: DataOf<Added[Name]> } }> {
    return this as never
  }

  /**
   * Adds events declared with Zod (3 or 4): a record `{ name: { data: z.object(…) } }`, or an
   * array of `z.object({ name: z.literal(name), data })`. Data is typed as each schema's output.
   * @deprecated in the official SDK, for `fromSchema`.
   */
  fromZod<const Schemas extends ZodEventSchemas | LiteralZodEventSchemas>(schemas: Schemas): EventSchemas<Events & ZodEvents<Schemas>> {
    this.runtimeSchemas = { ...this.runtimeSchemas, ...zodSchemasByName(schemas) }
    return this as never
  }

  /** Adds events from Standard Schemas (Zod, Valibot, ArkType…) of their data: `{ name: z.object(…) }`. */
  fromSchema<Schemas extends StandardSchemas>(schemas: Schemas): EventSchemas<Events & { [Name in keyof Schemas & string]: { data: StandardSchemaV1.InferOutput<Schemas[Name]> } }> {
    this.runtimeSchemas = { ...this.runtimeSchemas, ...schemas }
    return this as never
  }
}
