/**
 * What v3 `EventSchemas.fromZod` takes, typed against any Zod version (3 or 4) without a
 * dependency on it: a schema is known by its `_output` type (every Zod schema has one) or, failing
 * that, as a Standard Schema. As in the official SDK, the schemas type events; nothing validates them.
 */
import type { StandardSchemaV1 } from './standard-schema.js'

/** A Zod schema whose output is `Output`: `z.object(…)`, `z.union(…)`, `z.discriminatedUnion(…)`, `z.any()`. */
export type ZodSchemaLike<Output = unknown> = { readonly _output: Output } | StandardSchemaV1<any, Output>

/** The type a Zod schema produces. */
export type ZodOutput<Schema> = Schema extends { readonly _output: infer Output } ? Output : Schema extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<Schema> : never

/** Event data and user: objects, as the official SDK requires. */
type ObjectSchema = ZodSchemaLike<Record<string, any>>

/** `fromZod({ 'app/user.created': { data: z.object({ … }) } })`. */
export type ZodEventSchemas = Record<string, { data?: ObjectSchema; user?: ObjectSchema }>

/** One event as a Zod object with a literal name: `z.object({ name: z.literal('app/a'), data: z.object({ … }) })`. */
export type LiteralZodEventSchema = { readonly shape: { name: ZodSchemaLike<string>; data?: ObjectSchema; user?: ObjectSchema } }

/** `fromZod([z.object({ name: z.literal('app/a'), data }), …])`. */
export type LiteralZodEventSchemas = readonly LiteralZodEventSchema[]

/** An event's data: its schema's output; an empty object when declared without data. */
type DataFrom<Event> = Event extends { data: infer Schema } ? ZodOutput<Schema> : Record<string, never>

type NameOf<Schema> = Schema extends { shape: { name: infer Name } } ? ZodOutput<Name> & string : never

/** The data of the literal schema named `Name`, among `Schemas`. */
type DataOfNamed<Schemas, Name> = Schemas extends { shape: infer Shape } ? (NameOf<Schemas> extends Name ? DataFrom<Shape> : never) : never

/** The event map `fromZod(schemas)` adds, from either form. */
export type ZodEvents<Schemas> = Schemas extends LiteralZodEventSchemas
  ? { [Name in NameOf<Schemas[number]>]: { data: DataOfNamed<Schemas[number], Name> } }
  : { [Name in keyof Schemas & string]: { data: DataFrom<Schemas[Name]> } }

/** The schemas by event name, as the official SDK keeps them (`runtimeSchemas`): literal schemas are keyed by their name. */
export function zodSchemasByName(schemas: ZodEventSchemas | LiteralZodEventSchemas): Record<string, unknown> {
  if (!Array.isArray(schemas)) return { ...(schemas as ZodEventSchemas) }
  const byName: Record<string, unknown> = {}
  for (const [index, schema] of (schemas as LiteralZodEventSchemas).entries()) {
    const { name, ...rest } = (schema as { shape?: Record<string, unknown> }).shape ?? {}
    const value = (name as { value?: unknown } | undefined)?.value
    if (typeof value !== 'string') {
      throw new TypeError(`EventSchemas.fromZod: schemas[${index}] has no literal name. Fix: declare it as z.object({ name: z.literal('app/event'), data: z.object({ … }) }).`)
    }
    byName[value] = rest
  }
  return byName
}
