/**
 * The ULID format, defined once (actors/engine/ulid.ts): derived run ids and seeded event ids
 * share its encoder, and ids derived before it keep their value (a changed derivation would
 * start a redelivered event's run a second time, in another object).
 */
import { describe, expect, it } from 'vitest'
import { deriveRunId } from '../../actors/engine/run-id.js'
import { isUlid, ulidRandomPart, ulidTime } from '../../actors/engine/ulid.js'
import { seededEventId } from '../../actors/events/event-id-seed.js'

describe('ULIDs', () => {
  it('derives the run ids it derived before the encoder was shared', async () => {
    // Pinned from the earlier encoder in run-id.ts.
    expect(await deriveRunId('01HZY8Q5R3V6W9X2A4B7C8D9EF', 'app-fn', 1700000000000)).toBe('01HZY8Q5R3ZDRBAQZJFTGGAX2S')
    expect(await deriveRunId('01hzy8q5r3v6w9x2a4b7c8d9ef', 'app-fn', 1700000000000)).toBe('01HZY8Q5R3S2SEHS5B5WNNVP7Z')
    expect(await deriveRunId('custom-event-id', 'app-fn', 1700000000123)).toBe('01HF7YAT3V00AS4T5FN2C3T5GC')
    expect(await deriveRunId('ZZZZZZZZZZZZZZZZZZZZZZZZZZ', 'app-fn', 5)).toBe('0000000005HWHVDGT4QRGBZQR5')
  })

  it('writes 10 bytes as 16 Crockford characters, big-endian', () => {
    expect(ulidRandomPart(new Uint8Array(10))).toBe('0000000000000000')
    expect(ulidRandomPart(new Uint8Array(10).fill(255))).toBe('ZZZZZZZZZZZZZZZZ')
    expect(ulidRandomPart(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 33]))).toBe('0000000000000011')
    expect(() => ulidRandomPart(new Uint8Array(9))).toThrow(RangeError)
  })

  it('gives seeded event ids the seed time and its entropy plus the index', () => {
    const seed = { millis: 1700000000000, entropy: new Uint8Array(10) }
    expect(seededEventId(seed, 0)).toBe('01HF7YAT00' + '0000000000000000')
    expect(seededEventId(seed, 33)).toBe('01HF7YAT00' + '0000000000000011')
    expect(isUlid(seededEventId(seed, 1))).toBe(true)
  })

  it('accepts canonical ULIDs only as ids it checks, and reads the time of either case', () => {
    expect(isUlid('01HZY8Q5R3V6W9X2A4B7C8D9EF')).toBe(true)
    expect(isUlid('01hzy8q5r3v6w9x2a4b7c8d9ef')).toBe(false)
    expect(isUlid('01HZY8Q5R3V6W9X2A4B7C8D9E')).toBe(false)
    expect(isUlid('01HZY8Q5R3V6W9X2A4B7C8D9EU')).toBe(false)
    expect(ulidTime('01HZY8Q5R3V6W9X2A4B7C8D9EF')).toBe(ulidTime('01hzy8q5r3v6w9x2a4b7c8d9ef'))
    expect(ulidTime('ZZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBeUndefined()
    expect(ulidTime('custom-event-id')).toBeUndefined()
  })
})
