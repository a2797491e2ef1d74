/**
 * Turning what a caller sends into events ready to store and route: ids (ULIDs) and timestamps
 * filled in, `data` defaulted to `{}`, and every problem reported with the index and field.
 * A batch is all-or-nothing: one bad event rejects the whole batch. Pure: the clock comes in as
 * `now`. Only what callers send passes here (`POST /e/:key`, `inngest.send`, `step.sendEvent`);
 * the runtime's own `inngest/…` events are built elsewhere and published directly.
 */
import { monotonicFactory } from 'ulid'
import type { RunEventPayload } from '../engine/executor.js'
import { positiveSetting } from '../engine/positive-setting.js'
import { seededEventId, type EventIdSeed } from './event-id-seed.js'
import { nestingProblem } from './json-depth.js'
import { firstUnprintable } from './unprintable-char.js'

const newUlid = monotonicFactory()

/** The longest event name, in UTF-8 bytes (Inngest's documented limit). */
export const MAX_NAME_BYTES = 256
/** The longest event id, in UTF-8 bytes: a dedupe key, fetched back as `GET /v1/events/:id`. */
export const MAX_ID_BYTES = 256
/** How deeply `data` and `user` may nest (`{}` is 1 deep): far past real payloads, far short of any stack. */
export const MAX_DATA_DEPTH = 100
/** The earliest `ts` accepted, 1980-01-01T00:00:00Z in epoch ms (Inngest's lower bound). */
export const MIN_EVENT_TS = Date.UTC(1980, 0, 1)
/** The latest `ts` accepted, 2100-01-01T00:00:00Z in epoch ms (Inngest's upper bound). */
export const MAX_EVENT_TS = Date.UTC(2100, 0, 1)
/** Names the runtime publishes itself (`inngest/function.finished`, `inngest/scheduled.timer`, …); nobody else may. */
export const RESERVED_NAME_PREFIX = 'inngest/'
/**
 * The default largest event, as JSON: Inngest's paid-plan limit (3 MB). Large events are stored
 * in parts and queued by reference, so the queue's 128 KB message limit does not apply.
 */
export const MAX_EVENT_BYTES = 3 * 1024 * 1024

/** The event size limit a worker configured (`INNGEST_MAX_EVENT_BYTES`), else the default. */
export function maxEventBytes(configured: string | undefined): number {
  return positiveSetting(configured, MAX_EVENT_BYTES, { integer: true })
}

const utf8 = new TextEncoder()

/** One problem in a batch of events, for a 400 or a thrown error. */
export interface EventProblem {
  readonly index: number
  readonly field: string
  readonly error: string
  readonly fix: string
}

/** A validated batch, or the first problem found in it. */
export type PreparedEvents = { readonly ok: true; readonly events: RunEventPayload[] } | { readonly ok: false; readonly problem: EventProblem }

type Problem = Omit<EventProblem, 'index'>

/** `undefined` and `null` mean "not sent"; Inngest's server also reads `""` ids and `0` timestamps so. */
const absent = (value: unknown) => value === undefined || value === null

const typeName = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`)

function nameProblem(name: unknown): Problem | undefined {
  if (typeof name !== 'string' || name.length === 0) {
    return { field: 'name', error: 'name is required and must be a non-empty string', fix: 'set name, e.g. "app/user.created"' }
  }
  if (name.trim().length === 0) return { field: 'name', error: 'name is only whitespace', fix: 'set name, e.g. "app/user.created"' }
  const bad = firstUnprintable(name)
  if (bad) return { field: 'name', error: `name contains ${bad.description} at index ${bad.index}`, fix: 'names must be printable text: remove control characters, line breaks and lone surrogates' }
  if (name.includes('*')) {
    return { field: 'name', error: 'name contains "*", the wildcard of triggers; an event name is literal', fix: 'name the event itself, e.g. "app/user.created" (a trigger on "app/*" receives it)' }
  }
  if (utf8.encode(name).byteLength > MAX_NAME_BYTES) return { field: 'name', error: `name is longer than ${MAX_NAME_BYTES} bytes`, fix: 'use a shorter event name' }
  if (name.startsWith(RESERVED_NAME_PREFIX)) {
    return {
      field: 'name',
      error: `name "${name}" is reserved: names starting with "${RESERVED_NAME_PREFIX}" are the runtime's own events`,
      fix: 'use your own prefix, e.g. "app/…"; to start a function directly use step.invoke',
    }
  }
  return undefined
}

function idProblem(id: unknown): Problem | undefined {
  if (absent(id) || id === '') return undefined
  if (typeof id !== 'string') return { field: 'id', error: `id must be a string, got ${typeName(id)}`, fix: 'omit id to get a generated one, or pass a string' }
  if (id.trim().length === 0) return { field: 'id', error: 'id is only whitespace', fix: 'omit id to get a generated one, or pass a dedupe key such as "order-1234"' }
  const bad = firstUnprintable(id)
  if (bad) return { field: 'id', error: `id contains ${bad.description} at index ${bad.index}`, fix: 'ids must be printable text: remove control characters, line breaks and lone surrogates' }
  const bytes = utf8.encode(id).byteLength
  if (bytes > MAX_ID_BYTES) return { field: 'id', error: `id is ${bytes} bytes; at most ${MAX_ID_BYTES}`, fix: 'use a shorter dedupe key, e.g. a hash of the long one' }
  return undefined
}

function tsProblem(ts: unknown): Problem | undefined {
  if (absent(ts) || ts === 0) return undefined
  if (typeof ts !== 'number') return { field: 'ts', error: `ts must be epoch milliseconds, a number; got ${typeName(ts)}`, fix: 'omit ts for the time received, or pass Date.now() or Date.parse("2025-01-01T00:00:00Z")' }
  if (!Number.isInteger(ts)) return { field: 'ts', error: `ts must be a whole number of epoch milliseconds, got ${ts}`, fix: 'round it (Math.round(ts)), or omit ts for the time received' }
  if (ts >= MIN_EVENT_TS && ts <= MAX_EVENT_TS) return undefined
  const looksLikeSeconds = ts >= MIN_EVENT_TS / 1000 && ts <= MAX_EVENT_TS / 1000
  return {
    field: 'ts',
    error: `ts ${ts} is outside 1980-01-01 … 2100-01-01 (${MIN_EVENT_TS} … ${MAX_EVENT_TS} epoch milliseconds)`,
    fix: looksLikeSeconds ? 'ts is in milliseconds and this looks like seconds: multiply it by 1000' : 'omit ts for the time received, or pass Date.now()',
  }
}

/** `data` and `user`: a JSON object (or absent) nested at most `MAX_DATA_DEPTH` deep. */
function objectProblem(field: 'data' | 'user', value: unknown): Problem | undefined {
  if (absent(value)) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) {
    return field === 'data'
      ? { field, error: 'data must be a JSON object', fix: 'wrap the value, e.g. { "data": { "value": … } }' }
      : { field, error: 'user must be a JSON object', fix: 'omit user, or pass an object' }
  }
  const nesting = nestingProblem(value, MAX_DATA_DEPTH)
  if (nesting?.kind === 'circular') return { field, error: `${field} contains a circular reference`, fix: 'send plain JSON values: no object may contain itself' }
  if (nesting) return { field, error: `${field} is nested more than ${MAX_DATA_DEPTH} levels deep`, fix: `flatten it to at most ${MAX_DATA_DEPTH} levels, or send the deep part as a JSON string` }
  return undefined
}

function versionProblem(v: unknown): Problem | undefined {
  if (absent(v) || typeof v === 'string') return undefined
  return { field: 'v', error: `v must be a string (the event's schema version), got ${typeName(v)}`, fix: 'send it as a string, e.g. "2" or "2025-01-01.1", or omit v' }
}

function problemOf(raw: unknown): Problem | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { field: '', error: 'an event must be a JSON object', fix: 'send { "name": "app/thing.happened", "data": { … } }' }
  }
  const event = raw as Record<string, unknown>
  // Depth before anything walks `data` or `user` recursively (sizeProblem's JSON.stringify).
  return nameProblem(event.name) ?? objectProblem('data', event.data) ?? idProblem(event.id) ?? tsProblem(event.ts) ?? objectProblem('user', event.user) ?? versionProblem(event.v)
}

function sizeProblem(event: RunEventPayload, maxBytes: number): Problem | undefined {
  let bytes: number
  try {
    bytes = utf8.encode(JSON.stringify(event)).byteLength
  } catch (error) {
    return { field: 'data', error: `data is not JSON (${(error as Error).message})`, fix: 'send plain JSON values: no BigInt or circular references' }
  }
  if (bytes <= maxBytes) return undefined
  return { field: 'data', error: `the event is ${bytes} bytes; one event can be at most ${maxBytes}`, fix: 'keep large payloads in R2 or KV and send their key (INNGEST_MAX_EVENT_BYTES raises the limit)' }
}

/**
 * Validates and completes a batch; `now` stamps events that carry no `ts` (or `0`). Events
 * without an `id` (or `""`) get a ULID: from `idSeed` when the request carried one (the official
 * SDK's retry-safe ids), else a fresh one. `maxBytes` bounds each event's JSON
 * (`maxEventBytes(env…)`). The limits are the `MAX_…` and `MIN_…` constants above; names under
 * `inngest/` are refused.
 */
export function prepareEvents(input: unknown, now: number, idSeed?: EventIdSeed, maxBytes = MAX_EVENT_BYTES): PreparedEvents {
  const batch = Array.isArray(input) ? input : [input]
  const events: RunEventPayload[] = []
  for (const [index, raw] of batch.entries()) {
    const invalid = problemOf(raw)
    if (invalid) return { ok: false, problem: { index, ...invalid } }
    const event = raw as Record<string, unknown>
    const prepared: RunEventPayload = {
      name: event.name as string,
      data: (event.data as Record<string, unknown> | null | undefined) ?? {},
      id: (event.id as string | null | undefined) || (idSeed ? seededEventId(idSeed, index) : newUlid(now)),
      ts: (event.ts as number | null | undefined) || now,
      ...(typeof event.v === 'string' ? { v: event.v } : {}),
      user: (event.user as Record<string, unknown> | null | undefined) ?? {},
    }
    const tooBig = sizeProblem(prepared, maxBytes)
    if (tooBig) return { ok: false, problem: { index, ...tooBig } }
    events.push(prepared)
  }
  return { ok: true, events }
}
