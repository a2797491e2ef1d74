/**
 * Turning what a caller sends into events ready to store and route: ids (ULIDs) and timestamps
 * filled in, `data` defaulted to `{}`, and every problem reported with the index and field.
 * A batch is all-or-nothing: one bad event rejects the whole batch.
 */
import { monotonicFactory } from 'ulid'
import type { RunEventPayload } from '../../actors/index.js'

const newUlid = monotonicFactory()
const MAX_NAME_BYTES = 256

/** One problem in a batch of events, for a 400 or a thrown error. */
export interface EventProblem {
  readonly index: number
  readonly field: string
  readonly error: string
  readonly fix: string
}

export type PreparedEvents = { readonly ok: true; readonly events: RunEventPayload[] } | { readonly ok: false; readonly problem: EventProblem }

function problemOf(raw: unknown, index: number): Omit<EventProblem, 'index'> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { field: '', error: 'an event must be a JSON object', fix: 'send { "name": "app/thing.happened", "data": { … } }' }
  }
  const event = raw as Record<string, unknown>
  if (typeof event.name !== 'string' || event.name.length === 0) {
    return { field: 'name', error: 'name is required and must be a non-empty string', fix: 'set name, e.g. "app/user.created"' }
  }
  if (new TextEncoder().encode(event.name).byteLength > MAX_NAME_BYTES) {
    return { field: 'name', error: `name is longer than ${MAX_NAME_BYTES} bytes`, fix: 'use a shorter event name' }
  }
  if (event.data !== undefined && (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))) {
    return { field: 'data', error: 'data must be a JSON object', fix: 'wrap the value, e.g. { "data": { "value": … } }' }
  }
  if (event.id !== undefined && (typeof event.id !== 'string' || event.id.length === 0)) {
    return { field: 'id', error: 'id must be a non-empty string', fix: 'omit id to get a generated one, or pass a string' }
  }
  if (event.ts !== undefined && (typeof event.ts !== 'number' || !Number.isFinite(event.ts))) {
    return { field: 'ts', error: 'ts must be epoch milliseconds', fix: 'omit ts, or pass Date.now()' }
  }
  return undefined
}

/** Validates and completes a batch; `now` stamps events that carry no `ts`. */
export function prepareEvents(input: unknown, now: number): PreparedEvents {
  const batch = Array.isArray(input) ? input : [input]
  const events: RunEventPayload[] = []
  for (const [index, raw] of batch.entries()) {
    const problem = problemOf(raw, index)
    if (problem) return { ok: false, problem: { index, ...problem } }
    const event = raw as Record<string, unknown>
    events.push({
      name: event.name as string,
      data: (event.data as Record<string, unknown> | undefined) ?? {},
      id: (event.id as string | undefined) ?? newUlid(now),
      ts: (event.ts as number | undefined) ?? now,
      ...(typeof event.v === 'string' ? { v: event.v } : {}),
      user: (event.user as Record<string, unknown> | undefined) ?? {},
    })
  }
  return { ok: true, events }
}
