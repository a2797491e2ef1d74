/**
 * Run ids are ULIDs. A run started by an event gets an id derived from (event id, function id,
 * event ts): a queue message delivered twice derives the same id, reaches the same Durable
 * Object, and starts nothing new. The `ts` is part of it because an event id deduplicates for
 * 24 hours only, as on Inngest: the same id sent again later (with its new `ts`) is a new event
 * and starts new runs. The time part is the event's time, so run ids sort like their events.
 */
import { encodeTime } from 'ulid'
import { MAX_ULID_TIME, ulidRandomPart, ulidTime } from './ulid.js'

export { ulidTime } from './ulid.js'

/** The random part of a derived id: the first 10 bytes of a SHA-256 of `seed`. */
async function randomPart(seed: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seed)))
  return ulidRandomPart(digest.subarray(0, 10))
}

/**
 * The id of the run of `functionId` for event `eventId` with timestamp `eventTs`. Never throws:
 * a time a ULID cannot hold (an event stored before `ts` was range-checked) is clamped.
 */
export async function deriveRunId(eventId: string, functionId: string, eventTs: number): Promise<string> {
  const time = ulidTime(eventId) ?? eventTs
  const encodable = Number.isFinite(time) ? Math.min(MAX_ULID_TIME, Math.max(0, Math.floor(time))) : 0
  return encodeTime(encodable, 10) + (await randomPart(`${eventId}\u0000${functionId}\u0000${eventTs}`))
}

/** The id of the `index`th event sent by step `stepKey` of run `runId`: the same on every replay. */
export function deriveStepEventId(runId: string, stepKey: string, index: number): Promise<string> {
  return deriveRunId(runId, `${stepKey}#${index}`, 0)
}
