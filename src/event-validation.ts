/**
 * Runtime validation of event data against `eventType` schemas: in `send`, before anything is
 * stored, and in a run, before the handler sees its event. Several schemas for one name (the
 * same event named by several functions) form a union: the data must satisfy one of them.
 */
import { markNonRetriable, NonRetriableError } from '../actors/engine/errors.js'
import type { EngineContext, EngineHandler } from '../actors/internal.js'
import type { StandardSchemaV1 } from './standard-schema.js'

/** Where a created event keeps its schema: a non-enumerable key that JSON never sees. */
export const EVENT_SCHEMA: unique symbol = Symbol.for('inngest.do/event-schema')

/** Schemas by event name (or trailing wildcard such as `app/*`). */
export type SchemasByName = Map<string, Set<StandardSchemaV1>>

/** The data of an event failed its schema. Never retried: the same data fails the same way. */
export class EventValidationError extends NonRetriableError {
  override name = 'EventValidationError'
  /** The issues the schema reported. */
  readonly issues: readonly StandardSchemaV1.Issue[]

  constructor(message: string, issues: readonly StandardSchemaV1.Issue[]) {
    super(message)
    this.issues = issues
    // The engine recognises non-retriable errors by name or by this mark.
    markNonRetriable(this)
  }
}

/** The outcome of validating data: the schema's output, or its issues. */
export type DataCheck = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issues: readonly StandardSchemaV1.Issue[] }

/** Validates `data` against each schema in turn; the first that accepts it gives the value. */
export async function checkData(schemas: Iterable<StandardSchemaV1>, data: unknown): Promise<DataCheck> {
  let issues: readonly StandardSchemaV1.Issue[] | undefined
  for (const schema of schemas) {
    const result = await schema['~standard'].validate(data)
    if (!result.issues) return { ok: true, value: result.value }
    issues ??= result.issues
  }
  return issues ? { ok: false, issues } : { ok: true, value: data }
}

/** Issues as text: `email: Invalid email; age: Too small`. */
export function describeIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  return issues
    .map((issue) => {
      const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment)).join('.')
      return path ? `${path}: ${issue.message}` : issue.message
    })
    .join('; ')
}

/** Whether `value` implements Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const props = isObject(value) ? value['~standard'] : undefined
  return isObject(props) && props.version === 1 && typeof props.validate === 'function'
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
}

/** The event type inside a trigger: `eventType(…)` itself, or Inngest's nested `{ event: eventType(…), if? }`. */
function typedEventOf(trigger: unknown): { event: string; schema?: unknown } | undefined {
  if (!isObject(trigger)) return undefined
  if (isObject(trigger.event) && typeof trigger.event.event === 'string') return trigger.event as { event: string; schema?: unknown }
  if (typeof trigger.event === 'string' && 'schema' in trigger) return trigger as { event: string; schema?: unknown }
  return undefined
}

const asList = (triggers: unknown): unknown[] => (Array.isArray(triggers) ? triggers : [triggers])

/**
 * Triggers as the config normaliser knows them: each event type becomes `{ event: name, if? }`;
 * other triggers pass through unchanged.
 */
export function plainTriggers(triggers: unknown): unknown {
  if (triggers === undefined) return undefined
  const plain = asList(triggers).map((trigger) => {
    const typed = typedEventOf(trigger)
    if (!typed) return trigger
    const condition = (trigger as { if?: unknown }).if
    return condition === undefined ? { event: typed.event } : { event: typed.event, if: condition }
  })
  return Array.isArray(triggers) ? plain : plain[0]
}

/** The schemas a function's triggers carry, by event name. */
export function triggerSchemas(triggers: unknown): SchemasByName {
  const schemas: SchemasByName = new Map()
  for (const trigger of asList(triggers)) {
    const typed = typedEventOf(trigger)
    if (typed && isStandardSchema(typed.schema)) addSchemas(schemas, new Map([[typed.event, new Set([typed.schema])]]))
  }
  return schemas
}

/** Merges `added` into `into` (a client collecting the schemas of all its functions). */
export function addSchemas(into: SchemasByName, added: SchemasByName): void {
  for (const [name, schemas] of added) into.set(name, new Set([...(into.get(name) ?? []), ...schemas]))
}

/** The schemas that apply to `eventName`: exact, else every matching wildcard. */
function schemasFor(all: SchemasByName, eventName: string): StandardSchemaV1[] {
  const exact = all.get(eventName)
  if (exact) return [...exact]
  return [...all].filter(([name]) => name.endsWith('*') && eventName.startsWith(name.slice(0, -1))).flatMap(([, schemas]) => [...schemas])
}

const INVOKED = 'inngest/function.invoked'

/** An event with its data validated; an invoked run's data is checked against every schema, minus `_inngest`. */
async function validatedEvent<Event extends EngineContext['event']>(event: Event, index: number, all: SchemasByName): Promise<Event> {
  const invoked = event.name === INVOKED
  const schemas = invoked ? [...all.values()].flatMap((set) => [...set]) : schemasFor(all, event.name)
  if (schemas.length === 0) return event
  const { _inngest, ...userData } = event.data
  const checked = await checkData(schemas, invoked ? userData : event.data)
  if (!checked.ok) {
    throw new EventValidationError(
      `event[${index}] "${event.name}" (id ${event.id}) data is invalid: ${describeIssues(checked.issues)}. Fix: send data that matches the eventType schema of "${event.name}".`,
      checked.issues,
    )
  }
  const data = invoked && _inngest !== undefined ? { ...(checked.value as object), _inngest } : checked.value
  return { ...event, data }
}

/**
 * Wraps a handler so each event's data is validated first and the handler gets the schema's
 * output. Invalid data fails the run at once with an `EventValidationError`.
 */
export function withEventValidation(handler: EngineHandler, schemas: SchemasByName): EngineHandler {
  if (schemas.size === 0) return handler
  return async (ctx) => {
    const events = await Promise.all(ctx.events.map((event, index) => validatedEvent(event, index, schemas)))
    return handler({ ...ctx, event: events[0]!, events })
  }
}

/** An event of an outgoing batch whose data failed its schema. */
export interface InvalidEvent {
  readonly index: number
  readonly name: string
  readonly issues: readonly StandardSchemaV1.Issue[]
}

/**
 * The first event of an outgoing batch whose data fails its schema: a created event's own
 * schema, any other event's the schemas of the client's triggers. `raw` is the batch as given
 * (created events keep their schema there), `prepared` the same events with `data` filled in.
 */
export async function findInvalidEvent(raw: unknown, prepared: readonly { name: string; data: unknown }[], clientSchemas: SchemasByName): Promise<InvalidEvent | undefined> {
  const batch = asList(raw)
  for (const [index, event] of prepared.entries()) {
    const own = (batch[index] as { [EVENT_SCHEMA]?: StandardSchemaV1 } | undefined)?.[EVENT_SCHEMA]
    const schemas = own ? [own] : schemasFor(clientSchemas, event.name)
    if (schemas.length === 0) continue
    const checked = await checkData(schemas, event.data)
    if (!checked.ok) return { index, name: event.name, issues: checked.issues }
  }
  return undefined
}

/** `event[1] "app/user.created" data is invalid: email: Invalid email address. Fix: …` */
export function describeInvalidEvent({ index, name, issues }: InvalidEvent): string {
  return `event[${index}] "${name}" data is invalid: ${describeIssues(issues)}. Fix: send data that matches the eventType schema of "${name}".`
}

/**
 * Validates what `send` was given, before anything is stored.
 * @throws {TypeError} naming the event's index and name, the issues and the fix.
 */
export async function validateSentEvents(raw: unknown, prepared: readonly { name: string; data: unknown }[], clientSchemas: SchemasByName): Promise<void> {
  const invalid = await findInvalidEvent(raw, prepared, clientSchemas)
  if (invalid) throw new TypeError(`inngest.send: ${describeInvalidEvent(invalid)}`)
}
