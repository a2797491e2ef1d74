/**
 * Retry delays: pure maths over the policy, the attempt that failed and a seed. Jitter (±10%)
 * spreads retries of many runs that failed together, and is seeded so a replay computes the
 * same wake time.
 */
import { hashString, randomFromSeed } from './prng.js'
import type { RetryPolicy } from './run-types.js'

const JITTER = 0.1

/** The delay before retrying after 0-based `failedAttempt`, in ms. */
export function retryDelay(policy: RetryPolicy, failedAttempt: number, seed: string): number {
  const base = baseDelay(policy, failedAttempt)
  const jitter = (randomFromSeed(hashString(`${seed}#${failedAttempt}`)) * 2 - 1) * JITTER
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(base * (1 + jitter))))
}

function baseDelay(policy: RetryPolicy, failedAttempt: number): number {
  switch (policy.backoff) {
    case 'fixed':
      return Math.min(policy.maxDelayMs, policy.initialDelayMs)
    case 'linear':
      return Math.min(policy.maxDelayMs, policy.initialDelayMs * (failedAttempt + 1))
    case 'exponential':
      // Capped before multiplying further, so large attempts never overflow to Infinity.
      return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(failedAttempt, 40))
  }
}

/** Whether a 0-based attempt that failed may be followed by another. */
export function hasAttemptsLeft(policy: RetryPolicy, failedAttempt: number): boolean {
  return failedAttempt + 1 < policy.attempts
}
