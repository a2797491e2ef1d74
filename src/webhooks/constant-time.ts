/**
 * Comparing a signature a caller sent with the one we computed, in constant time: the time taken
 * depends on the lengths only, never on how many leading bytes match, so a forger cannot find a
 * signature byte by byte.
 */

/** Whether `given` and `expected` hold the same bytes, looking at every byte whatever it finds. */
export function sameBytes(given: Uint8Array, expected: Uint8Array): boolean {
  let diff = given.length ^ expected.length
  for (let i = 0; i < expected.length; i++) diff |= (given[i] ?? 0) ^ expected[i]!
  return diff === 0
}
