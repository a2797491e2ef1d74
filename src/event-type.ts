/**
 * Inngest v4's typed events: `eventType(name, { schema })` is at once a trigger, a factory of
 * sendable events (`.create(data)`) and the validator of the event's data, with any Standard
 * Schema library (Zod, Valibot, ArkType) or the type-only `staticSchema<T>()`.
 */
import { checkData, describeIssues, EVENT_SCHEMA, EventValidationError, isStandardSchema } from './event-validation.js'
import type { StandardSchemaV1 } from './standard-schema.js'
import type { UnknownEventData } from './types.js'

/** A schema of event data; event data is always an object. */
export type EventDataSchema = StandardSchemaV1<Record<string, any>>

/** The data a handler receives for an event type: the schema's output (open without a schema). */
export type EventTypeData<Schema> = Schema extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<Schema> : UnknownEventData

/** The data `create` and `send` take for an event type: the schema's input (open without a schema). */
export type EventTypeInput<Schema> = Schema extends StandardSchemaV1 ? StandardSchemaV1.InferInput<Schema> : UnknownEventData

/** The optional fields of a created event. */
export interface CreateEventOptions {
  /** Dedupe key: a second event with the same id within 24 hours is dropped. */
  id?: string
  /** Epoch milliseconds; defaults to the time of sending. */
  ts?: number
  /** Version of the event's shape; defaults to the event type's `version`. */
  v?: string
}

/** What `create` takes: the data is required when there is a schema. */
export type CreateEventArgs<Schema> = Schema extends StandardSchemaV1
  ? [data: StandardSchemaV1.InferInput<Schema>, options?: CreateEventOptions]
  : [data?: UnknownEventData, options?: CreateEventOptions]

/** An event made by `EventType.create`, ready for `inngest.send` or `step.sendEvent`. */
export interface CreatedEvent<Name extends string, Data> {
  name: Name
  data: Data
  id?: string
  ts?: number
  v?: string
  /** Validates the data against the schema; throws an `EventValidationError` if it fails. */
  validate(): Promise<void>
}

/** Any event type, whatever its name and schema. */
export type AnyEventType = EventType<string, any>

/**
 * A typed event: its name, an optional schema and version. Use it as a trigger (its `event`
 * field makes it one), create events to send with `create`, and the handler's `event.data` is
 * typed, and validated, by the schema.
 */
export class EventType<Name extends string = string, Schema extends EventDataSchema | undefined = EventDataSchema | undefined> {
  /** The name again, so the event type is itself a trigger `{ event }`. */
  readonly event: Name
  readonly name: Name
  readonly schema: Schema
  readonly version?: string

  constructor({ name, schema, version }: { name: Name; schema: Schema; version?: string }) {
    this.event = name
    this.name = name
    this.schema = schema
    if (version !== undefined) this.version = version
  }

  /**
   * An event of this type to send. Nothing is validated here (a schema may be async): `send`
   * validates it before anything is stored, or call `validate()` on it.
   */
  create(...args: CreateEventArgs<Schema>): CreatedEvent<Name, EventTypeInput<Schema>> {
    const [data = {}, options = {}] = args as [UnknownEventData | undefined, CreateEventOptions | undefined]
    const { name, schema } = this
    const v = options.v ?? this.version
    const event = {
      name,
      data: data as EventTypeInput<Schema>,
      ...(options.id === undefined ? {} : { id: options.id }),
      ...(options.ts === undefined ? {} : { ts: options.ts }),
      ...(v === undefined ? {} : { v }),
      async validate(): Promise<void> {
        if (!schema) return
        const checked = await checkData([schema], data)
        if (!checked.ok) throw new EventValidationError(`"${name}" data is invalid: ${describeIssues(checked.issues)}`, checked.issues)
      },
    }
    if (schema) Object.defineProperty(event, EVENT_SCHEMA, { value: schema })
    return event
  }
}

/** What an event type looks like at runtime: its name (twice, as `name` and `event`) and schema. */
export interface EventTypeLike {
  readonly name: string
  readonly event: string
  readonly schema?: unknown
}

/**
 * The event type `value` is, if it is one. Recognised by shape, not `instanceof`, so one made by
 * a second copy of the SDK in the bundle works too.
 */
export function asEventType(value: unknown): EventTypeLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { name, event } = value as { name?: unknown; event?: unknown }
  return typeof name === 'string' && typeof event === 'string' ? (value as EventTypeLike) : undefined
}

/**
 * Declares a typed event. With a Standard Schema, the data is typed from it and validated
 * when sent and before the handler runs; without one, the event is only named.
 * @example
 * ```ts
 * import { z } from 'zod'
 * const userCreated = eventType('app/user.created', { schema: z.object({ email: z.email() }) })
 * inngest.createFunction({ id: 'welcome', triggers: [userCreated] }, async ({ event }) => event.data.email)
 * await inngest.send(userCreated.create({ email: 'ada@example.com' }))
 * ```
 */
export function eventType<const Name extends string, Schema extends EventDataSchema | undefined = undefined>(
  name: Name,
  options: { schema?: Schema; version?: string } = {},
): EventType<Name, NoInfer<Schema>> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('eventType: name must be a non-empty string. Fix: name the event, e.g. eventType("app/user.created", { schema }).')
  }
  const { schema, version } = options ?? {}
  if (schema !== undefined && !isStandardSchema(schema)) {
    throw new TypeError(
      `eventType("${name}"): schema is not a Standard Schema (no "~standard" with version 1 and validate). Fix: pass a Zod, Valibot or ArkType schema, or staticSchema<Data>() for types only.`,
    )
  }
  return new EventType({ name, schema: schema as Schema, ...(version === undefined ? {} : { version }) })
}

/**
 * A type-only schema: types the event's data without any runtime validation (every value
 * passes). For typed events without a validation library.
 * @example
 * ```ts
 * const orderPlaced = eventType('shop/order.placed', { schema: staticSchema<{ orderId: string }>() })
 * ```
 */
export function staticSchema<Data extends Record<string, any>>(): StandardSchemaV1<Data> {
  return { '~standard': { version: 1, vendor: 'inngest', validate: (value) => ({ value: value as Data }) } }
}
