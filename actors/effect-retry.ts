/**
 * How a run delivers its recorded effects when performing one fails. The host keeps trying an
 * effect with backoff, a bounded number of times, then gives up and keeps it marked failed: the
 * run's inspection lists it (`failedEffects`). One failing effect holds back only the effects
 * that must follow it (the same event stream's registrations), never the others: the end of a
 * run still notifies its parent, starts its onFailure run and forgets its waits while its
 * system events cannot be published.
 */
import type { SerializedError } from '../machines/index.js'
import { serializeError } from './engine/errors.js'
import type { RunEffect } from './run-effects.js'

/** Attempts an effect gets before the run gives up on it: 1 + 11 retries, ~27 minutes. */
export const EFFECT_MAX_ATTEMPTS = 12
const FIRST_RETRY_MS = 1_000
const MAX_RETRY_MS = 10 * 60_000
/** The stored error is a record for people, not data: its text is cut to this many units. */
const ERROR_TEXT_MAX = 8 * 1024

/** Thrown when the host has no port for an effect: its ports are fixed, so retrying cannot help. */
export class MissingPortError extends Error {
  override readonly name = 'MissingPortError'
}

/**
 * When to try an effect again after its `attempts`-th failed attempt (1, 2, 4 … s, at most
 * 10 min apart), or null to give up: attempts used, or an error no retry can fix.
 */
export function effectRetryAt(attempts: number, error: unknown, now: number): number | null {
  if (attempts >= EFFECT_MAX_ATTEMPTS) return null
  if (error instanceof Error && error.name === 'MissingPortError') return null
  return now + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempts - 1))
}

/**
 * What must happen in order: a wait registered, closed, then forgotten all go to one event
 * stream, and a `forget` performed before a `register` retried later would leave that
 * registration behind. Effects sharing a key are performed in the order recorded; the others
 * (idempotent starts, publishes, parent notifications) do not wait for each other.
 */
export function effectOrderKeys(effect: RunEffect): readonly string[] {
  switch (effect.kind) {
    case 'register':
      return [`stream:${effect.registration.event}`]
    case 'close':
      return [`stream:${effect.event}`]
    case 'forget':
      return effect.events.map((event) => `stream:${event}`)
    default:
      return []
  }
}

/** The error of a failed attempt as stored: serialized, its message and stack cut short. */
export function effectError(error: unknown): SerializedError {
  const serialized = serializeError(error)
  const cut = (text: string) => (text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX)}…` : text)
  return { ...serialized, message: cut(serialized.message), ...(serialized.stack === undefined ? {} : { stack: cut(serialized.stack) }) }
}
