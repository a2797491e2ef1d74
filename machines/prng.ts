/**
 * A seeded pseudo-random generator: the machine's only source of randomness, so retry jitter is
 * the same on every replay of the same run.
 */

/** FNV-1a over the string's UTF-16 code units: a fast, stable 32-bit seed. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** Mulberry32: one number in [0, 1) for a 32-bit seed. */
export function randomFromSeed(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
