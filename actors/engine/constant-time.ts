/**
 * Comparing a secret a caller sent (a key, a signature, a token) with the one we hold, in
 * constant time: the time taken depends on the lengths only, never on how many leading bytes
 * match, so a forger cannot find it byte by byte.
 */

/** Whether `given` and `expected` hold the same bytes, looking at every byte whatever it finds. */
export function sameBytes(given: Uint8Array, expected: Uint8Array): boolean {
  let diff = given.length ^ expected.length
  for (let i = 0; i < expected.length; i++) diff |= (given[i] ?? 0) ^ expected[i]!
  return diff === 0
}

/** Whether two texts are the same (their UTF-8 bytes), as `sameBytes`. */
export function sameText(given: string, expected: string): boolean {
  return sameBytes(new TextEncoder().encode(given), new TextEncoder().encode(expected))
}
