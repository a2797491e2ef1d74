import { describe, expect, it } from 'vitest'
import { IDEMPOTENCY_PERIOD_MS, admitRateLimited, createIdempotency, createRateLimit, rateLimitNextAllowedAt, type RateLimitState } from '../../../machines/index.js'

const T0 = 1_700_000_000_000

/** Outcomes for events at the given offsets from T0. */
function outcomes(state: RateLimitState, offsets: readonly number[]): string[] {
  return offsets.map((offset) => {
    const decision = admitRateLimited(state, T0 + offset)
    state = decision.state
    return decision.outcome
  })
}

describe('rate limit', () => {
  it('allows limit events at once and skips the rest of the period', () => {
    expect(outcomes(createRateLimit({ limit: 2, periodMs: 10_000 }), [0, 1, 2, 9_999])).toEqual(['allowed', 'allowed', 'skipped', 'skipped'])
  })

  it('starts the period at the first allowed event', () => {
    const limit = createRateLimit({ limit: 1, periodMs: 4 * 3_600_000 })
    expect(outcomes(limit, [0, 3_600_000, 4 * 3_600_000 - 1, 4 * 3_600_000, 4 * 3_600_000 + 1])).toEqual(['allowed', 'skipped', 'skipped', 'allowed', 'skipped'])
  })

  it('frees each place one period after the event that took it (a sliding window)', () => {
    expect(outcomes(createRateLimit({ limit: 2, periodMs: 10_000 }), [0, 5_000, 9_000, 10_000, 12_000, 15_000])).toEqual(['allowed', 'allowed', 'skipped', 'allowed', 'skipped', 'allowed'])
  })

  it('tells when the next event would be allowed', () => {
    let state = createRateLimit({ limit: 2, periodMs: 10_000 })
    state = admitRateLimited(state, T0).state
    state = admitRateLimited(state, T0 + 4_000).state
    const skipped = admitRateLimited(state, T0 + 5_000)
    expect(skipped).toMatchObject({ outcome: 'skipped', nextAllowedAt: T0 + 10_000 })
    expect(rateLimitNextAllowedAt(state, T0 + 11_000)).toBe(T0 + 11_000)
    expect(rateLimitNextAllowedAt(createRateLimit({ limit: 0, periodMs: 1 }), T0)).toBe(Number.POSITIVE_INFINITY)
  })

  it('keeps no more than limit timestamps', () => {
    let state = createRateLimit({ limit: 3, periodMs: 1_000 })
    for (let i = 0; i < 50; i++) state = admitRateLimited(state, T0 + i * 100).state
    expect(state.allowedAt.length).toBeLessThanOrEqual(3)
  })

  it('allows one run per key value per 24 h for idempotency', () => {
    expect(IDEMPOTENCY_PERIOD_MS).toBe(86_400_000)
    expect(outcomes(createIdempotency(), [0, 1, 86_399_999, 86_400_000])).toEqual(['allowed', 'skipped', 'skipped', 'allowed'])
  })
})
