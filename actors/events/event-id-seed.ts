/**
 * The official SDK's `x-inngest-event-id-seed: <ms>,<base64 of 10 bytes>` header. Events sent
 * without an `id` get ULIDs derived from it and their index in the request, as Inngest's server
 * does (`pkg/event` `SeededIDFromString`): the SDK retries a failed request with the same header,
 * so a retry gets the same ids and is deduplicated instead of stored twice.
 */
import { encodeTime } from 'ulid'
import { MAX_ULID_TIME, ulidRandomPart } from '../engine/ulid.js'

/** A parsed seed: the send's time and 10 bytes of entropy. */
export interface EventIdSeed {
  readonly millis: number
  readonly entropy: Uint8Array
}

/** Parses the header; undefined when it is absent or malformed (ids are then random). */
export function parseEventIdSeed(header: string | null | undefined): EventIdSeed | undefined {
  const parts = header?.split(',') ?? []
  if (parts.length !== 2 || !/^\d+$/.test(parts[0]!)) return undefined
  const millis = Number(parts[0])
  if (millis <= 0 || millis > MAX_ULID_TIME) return undefined
  let entropy: Uint8Array
  try {
    entropy = Uint8Array.from(atob(parts[1]!), (char) => char.charCodeAt(0))
  } catch {
    return undefined
  }
  return entropy.length === 10 ? { millis, entropy } : undefined
}

/** The ULID of the `index`th event of a seeded request: the index is added to the last 4 entropy bytes. */
export function seededEventId(seed: EventIdSeed, index: number): string {
  const bytes = seed.entropy.slice()
  const view = new DataView(bytes.buffer)
  view.setUint32(6, (view.getUint32(6) + index) >>> 0)
  return encodeTime(seed.millis, 10) + ulidRandomPart(bytes)
}
