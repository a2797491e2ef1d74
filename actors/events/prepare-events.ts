/**
 * Turning what a caller sends into events ready to store and route: ids (ULIDs) and timestamps
 * filled in, `data` defaulted to `{}`, and every problem reported with the index and field.
 * A batch is all-or-nothing: one bad event rejects the whole batch. Pure: the clock comes in as
 * `now`.
 */
import { monotonicFactory } from 'ulid'
import type { RunEventPayload } from '../engine/executor.js'
import { positiveSetting } from '../engine/positive-setting.js'
import { seededEventId, type EventIdSeed } from './event-id-seed.js'

const newUlid = monotonicFactory()
const MAX_NAME_BYTES = 256
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

function problemOf(raw: unknown): Problem | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { field: '', error: 'an event must be a JSON object', fix: 'send { "name": "app/thing.happened", "data": { … } }' }
  }
  const event = raw as Record<string, unknown>
  if (typeof event.name !== 'string' || event.name.length === 0) {
    return { field: 'name', error: 'name is required and must be a non-empty string', fix: 'set name, e.g. "app/user.created"' }
  }
  if (utf8.encode(event.name).byteLength > MAX_NAME_BYTES) {
    return { field: 'name', error: `name is longer than ${MAX_NAME_BYTES} bytes`, fix: 'use a shorter event name' }
  }
  if (event.data !== undefined && event.data !== null && (typeof event.data !== 'object' || Array.isArray(event.data))) {
    return { field: 'data', error: 'data must be a JSON object', fix: 'wrap the value, e.g. { "data": { "value": … } }' }
  }
  if (event.id !== undefined && (typeof event.id !== 'string' || event.id.length === 0)) {
    return { field: 'id', error: 'id must be a non-empty string', fix: 'omit id to get a generated one, or pass a string' }
  }
  if (event.ts !== undefined && (typeof event.ts !== 'number' || !Number.isFinite(event.ts))) {
    return { field: 'ts', error: 'ts must be epoch milliseconds', fix: 'omit ts, or pass Date.now()' }
  }
  if (event.user !== undefined && event.user !== null && (typeof event.user !== 'object' || Array.isArray(event.user))) {
    return { field: 'user', error: 'user must be a JSON object', fix: 'omit user, or pass an object' }
  }
  return undefined
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
 * Validates and completes a batch; `now` stamps events that carry no `ts`. Events without an
 * `id` get a ULID: from `idSeed` when the request carried one (the official SDK's retry-safe
 * ids), else a fresh one. `maxBytes` bounds each event's JSON (`maxEventBytes(env…)`).
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
      id: (event.id as string | undefined) ?? (idSeed ? seededEventId(idSeed, index) : newUlid(now)),
      ts: (event.ts as number | undefined) ?? now,
      ...(typeof event.v === 'string' ? { v: event.v } : {}),
      user: (event.user as Record<string, unknown> | null | undefined) ?? {},
    }
    const tooBig = sizeProblem(prepared, maxBytes)
    if (tooBig) return { ok: false, problem: { index, ...tooBig } }
    events.push(prepared)
  }
  return { ok: true, events }
}
