/**
 * `@dotdo/inngest/helpers/jsonify`, for v3's `inngest/helpers/jsonify`: the type a value has
 * after a JSON round trip (what `step.run` resolves to), and the JSON value types.
 */
export type { Jsonify } from '../actors/internal.js'

/** A JSON primitive. */
export type JsonPrimitive = string | number | boolean | null
/** A JSON object. */
export type JsonObject = { [Key in string]: JsonValue } & { [Key in string]?: JsonValue | undefined }
/** A JSON array. */
export type JsonArray = JsonValue[] | readonly JsonValue[]
/** Any JSON value. */
export type JsonValue = JsonPrimitive | JsonObject | JsonArray
