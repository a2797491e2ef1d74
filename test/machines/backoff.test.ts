import { describe, expect, it } from 'vitest'
import { hasAttemptsLeft, retryDelay, type RetryPolicy } from '../../machines/index.js'

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
  attempts: 4,
  backoff: 'exponential',
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  ...over,
})

/** Asserts `delay` is `base` give or take the 10% jitter (and rounding to whole ms). */
function expectJittered(delay: number, base: number) {
  expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.9))
  expect(delay).toBeLessThanOrEqual(Math.ceil(base * 1.1))
}

describe('retryDelay', () => {
  it('doubles from the initial delay: 1s, 2s, 4s, 8s', () => {
    for (const [attempt, base] of [[0, 1_000], [1, 2_000], [2, 4_000], [3, 8_000]] as const) {
      expectJittered(retryDelay(policy(), attempt, 'run-1/a'), base)
    }
  })

  it('never waits longer than maxDelayMs, jitter included', () => {
    const capped = policy({ maxDelayMs: 5_000 })
    for (let attempt = 0; attempt < 20; attempt++) {
      for (const seed of ['a', 'b', 'c', 'd', 'e', 'f']) {
        expect(retryDelay(capped, attempt, seed)).toBeLessThanOrEqual(5_000)
      }
    }
    expectJittered(retryDelay(capped, 10, 'run-1/a'), 5_000)
  })

  it('grows linearly with the linear policy', () => {
    const linear = policy({ backoff: 'linear' })
    for (const attempt of [0, 1, 2, 5]) {
      expectJittered(retryDelay(linear, attempt, 'run-1/a'), 1_000 * (attempt + 1))
    }
  })

  it('stays put with the fixed policy', () => {
    const fixed = policy({ backoff: 'fixed', initialDelayMs: 3_000 })
    for (const attempt of [0, 1, 7, 100]) expectJittered(retryDelay(fixed, attempt, 'run-1/a'), 3_000)
  })

  it('keeps jitter within ±10% of the base delay for many seeds', () => {
    const delays = new Set<number>()
    for (let i = 0; i < 500; i++) {
      const delay = retryDelay(policy({ initialDelayMs: 10_000 }), 0, `run-${i}/step`)
      expect(delay).toBeGreaterThanOrEqual(9_000)
      expect(delay).toBeLessThanOrEqual(11_000)
      delays.add(delay)
    }
    // Jitter is there at all: 500 seeds do not collapse onto a handful of values.
    expect(delays.size).toBeGreaterThan(400)
  })

  it('is the same for the same seed and attempt', () => {
    expect(retryDelay(policy(), 2, 'run-9/x')).toBe(retryDelay(policy(), 2, 'run-9/x'))
  })

  it('returns a finite delay on attempt 1000 for every policy', () => {
    const uncapped = { maxDelayMs: Number.MAX_SAFE_INTEGER }
    for (const backoff of ['exponential', 'linear', 'fixed'] as const) {
      for (const over of [{}, uncapped]) {
        const delay = retryDelay(policy({ backoff, ...over }), 1_000, 'run-1/a')
        expect(Number.isFinite(delay)).toBe(true)
        expect(delay).toBeGreaterThanOrEqual(0)
      }
    }
    expect(retryDelay(policy(), 1_000, 'run-1/a')).toBeLessThanOrEqual(60_000)
  })

  it('returns 0 when the initial delay is 0', () => {
    expect(retryDelay(policy({ initialDelayMs: 0 }), 3, 'run-1/a')).toBe(0)
  })
})

describe('hasAttemptsLeft', () => {
  it('allows a retry while the next attempt is within the policy', () => {
    expect(hasAttemptsLeft(policy({ attempts: 3 }), 0)).toBe(true)
    expect(hasAttemptsLeft(policy({ attempts: 3 }), 1)).toBe(true)
  })

  it('refuses once the last attempt has failed', () => {
    expect(hasAttemptsLeft(policy({ attempts: 3 }), 2)).toBe(false)
    expect(hasAttemptsLeft(policy({ attempts: 3 }), 7)).toBe(false)
  })

  it('never retries when attempts is 1', () => {
    expect(hasAttemptsLeft(policy({ attempts: 1 }), 0)).toBe(false)
  })
})
