/**
 * Rate limit (`rateLimit: { limit, period }`) and idempotency: lossy admission of events. An
 * event that exceeds the limit is skipped (no run) and the host records it as skipped.
 *
 * A sliding window over the admitted events: an event at `now` is allowed when fewer than
 * `limit` events were allowed in (now − period, now]. Each period begins at an allowed event
 * ("the period begins when the first matching event is received"), `limit` events may arrive at
 * once, and no window of length `period` ever holds more than `limit` allowed events. The state
 * keeps at most `limit` timestamps. See README.md beside this file for why not GCRA.
 */

/** A rate limit's configuration. */
export interface RateLimitConfig {
  /** Events allowed per period (≥ 0). */
  readonly limit: number
  readonly periodMs: number
}

/** A rate limit's persisted state: plain JSON. */
export interface RateLimitState {
  readonly limit: number
  readonly periodMs: number
  /** Times (epoch ms) of the allowed events still inside the window, oldest first; ≤ limit. */
  readonly allowedAt: readonly number[]
}

/** The answer for one event. */
export interface RateLimitDecision {
  readonly state: RateLimitState
  readonly outcome: 'allowed' | 'skipped'
  /** When the next event would be allowed (epoch ms); `now` when allowed right now. */
  readonly nextAllowedAt: number
}

/** The idempotency window: one run per key value per 24 h. */
export const IDEMPOTENCY_PERIOD_MS = 24 * 60 * 60 * 1000

/** A rate limit with nothing admitted yet. */
export function createRateLimit(config: RateLimitConfig): RateLimitState {
  return { limit: Math.max(0, Math.trunc(config.limit)), periodMs: config.periodMs, allowedAt: [] }
}

/**
 * `idempotency: expr` as Inngest implements it: a rate limit of 1 per 24 h, one state per
 * evaluated key value. It takes precedence over `rateLimit` when both are set.
 */
export function createIdempotency(): RateLimitState {
  return createRateLimit({ limit: 1, periodMs: IDEMPOTENCY_PERIOD_MS })
}

/** Decides whether the event at `now` is allowed; an allowed event takes a place in the window. */
export function admitRateLimited(state: RateLimitState, now: number): RateLimitDecision {
  const inWindow = state.allowedAt.filter((at) => at > now - state.periodMs)
  if (inWindow.length < state.limit) {
    // Sorted, not appended: a host clock that steps back must not break `nextAllowed`.
    const allowedAt = [...inWindow, now].sort((a, b) => a - b)
    return { state: { ...state, allowedAt }, outcome: 'allowed', nextAllowedAt: now }
  }
  const trimmed = inWindow.length === state.allowedAt.length ? state : { ...state, allowedAt: inWindow }
  return { state: trimmed, outcome: 'skipped', nextAllowedAt: nextAllowed(trimmed, now) }
}

/** When the next event would be allowed, without admitting anything. */
export function rateLimitNextAllowedAt(state: RateLimitState, now: number): number {
  return nextAllowed({ ...state, allowedAt: state.allowedAt.filter((at) => at > now - state.periodMs) }, now)
}

function nextAllowed(state: RateLimitState, now: number): number {
  if (state.limit === 0) return Number.POSITIVE_INFINITY
  // The window has room once the oldest of the last `limit` allowed events leaves it.
  const blocking = state.allowedAt[state.allowedAt.length - state.limit]
  return blocking === undefined ? now : Math.max(now, blocking + state.periodMs)
}
