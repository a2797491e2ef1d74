/**
 * Run ids are ULIDs. A run started by an event gets an id derived from (event id, function id,
 * event ts): a queue message delivered twice derives the same id, reaches the same Durable
 * Object, and starts nothing new. The `ts` is part of it because an event id deduplicates for
 * 24 hours only, as on Inngest: the same id sent again later (with its new `ts`) is a new event
 * and starts new runs. The time part is the event's time, so run ids sort like their events.
 */
import { encodeTime, isValid, decodeTime } from 'ulid'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** 16 Crockford base32 characters (80 bits) from a SHA-256 of `seed`. */
async function randomPart(seed: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seed)))
  let bits = 0n
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte)
  let text = ''
  for (let i = 0; i < 16; i++) {
    text = CROCKFORD[Number(bits & 31n)] + text
    bits >>= 5n
  }
  return text
}

/** The largest time a ULID holds (48 bits of milliseconds). */
const MAX_ULID_TIME = 2 ** 48 - 1

/**
 * The time a ULID-shaped id carries, or undefined: for any other id, and for a 26-character
 * custom id that only looks like a ULID (`decodeTime` throws when its time overflows 48 bits).
 */
export function ulidTime(id: string): number | undefined {
  if (!isValid(id)) return undefined
  try {
    return decodeTime(id)
  } catch {
    return undefined
  }
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
