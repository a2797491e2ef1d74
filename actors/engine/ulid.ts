/**
 * The ULID format, defined once: 26 characters of Crockford base32, a 48-bit millisecond time
 * (10 characters) then 80 bits of randomness (16). Run ids, step-sent event ids and seeded event
 * ids are ULIDs; the `ulid` package encodes and decodes the time part.
 */
import { decodeTime } from 'ulid'

/** Crockford's base32 alphabet (no I, L, O, U), as ULIDs spell it. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** The largest time a ULID holds (48 bits of milliseconds). */
export const MAX_ULID_TIME = 2 ** 48 - 1

const CANONICAL_ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/

/** Whether `id` is a ULID as this package writes them: 26 Crockford characters, upper case. */
export function isUlid(id: string): boolean {
  return CANONICAL_ULID.test(id)
}

/** A ULID's random part: 10 bytes (80 bits, big-endian) as 16 Crockford characters. */
export function ulidRandomPart(bytes: Uint8Array): string {
  if (bytes.length !== 10) throw new RangeError(`a ULID's random part is 10 bytes, not ${bytes.length}`)
  let bits = 0n
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte)
  let text = ''
  for (let i = 0; i < 16; i++) {
    text = CROCKFORD[Number(bits & 31n)] + text
    bits >>= 5n
  }
  return text
}

/**
 * The time a ULID-shaped id (either case, as the `ulid` package reads them) carries, or
 * undefined: for any other id, and for a 26-character custom id that only looks like a ULID
 * (`decodeTime` throws when its time overflows 48 bits).
 */
export function ulidTime(id: string): number | undefined {
  if (!isUlid(id.toUpperCase())) return undefined
  try {
    return decodeTime(id)
  } catch {
    return undefined
  }
}
