/**
 * Throttle (`throttle: { limit, period, burst? }`): GCRA over run starts, with a FIFO queue so
 * excess runs wait and are never dropped. See README.md beside this file for the formula.
 *
 * Emission interval T = period / limit. Tolerance τ = (limit + burst − 1) × T. A start at `now`
 * conforms when max(TAT, now) − now ≤ τ, and then TAT := max(TAT, now) + T. So limit + burst
 * runs start at once from idle, then one every T: limit 2 / 6 s / burst 1 starts 3 at once, then
 * one every 3 s, as Inngest documents (its queue passes `limit + burst − 1` as GCRA's burst).
 *
 * TAT is kept exact in integers, TAT = tatMs + tatEmissions × period / limit with
 * 0 ≤ tatEmissions < limit, so no float drift ever lets an extra start through.
 */

/** A throttle's configuration; `periodMs` an integer number of ms. */
export interface ThrottleConfig {
  /** Starts per period (≥ 1). */
  readonly limit: number
  readonly periodMs: number
  /** Extra starts allowed at once on top of `limit`, default 1 (Inngest's default). */
  readonly burst?: number
}

/** A throttle's persisted state: plain JSON when the items are. */
export interface ThrottleState<Item> {
  readonly limit: number
  readonly periodMs: number
  readonly burst: number
  /** Whole-ms part of the theoretical arrival time (TAT). */
  readonly tatMs: number
  /** Emission intervals added to `tatMs`: TAT = tatMs + tatEmissions × periodMs / limit. */
  readonly tatEmissions: number
  /** Runs waiting to start, oldest first. */
  readonly queue: readonly Item[]
}

/** What a call decided: the new state, the items to start now, and when to drain again. */
export interface ThrottleDecision<Item> {
  readonly state: ThrottleState<Item>
  /** Items to start now, in FIFO order. */
  readonly start: readonly Item[]
  /** When the next queued item may start (epoch ms): the host's alarm. Undefined when empty. */
  readonly wakeAt: number | undefined
}

/** An idle throttle. */
export function createThrottle<Item>(config: ThrottleConfig): ThrottleState<Item> {
  return {
    limit: Math.max(1, Math.trunc(config.limit)),
    periodMs: Math.max(0, Math.trunc(config.periodMs)),
    burst: Math.max(0, Math.trunc(config.burst ?? 1)),
    tatMs: 0,
    tatEmissions: 0,
    queue: [],
  }
}

/** Queues `item` at the back and starts whatever conforms at `now`. */
export function enqueueThrottled<Item>(state: ThrottleState<Item>, item: Item, now: number): ThrottleDecision<Item> {
  return drainThrottle({ ...state, queue: [...state.queue, item] }, now)
}

/**
 * Starts queued items from the front while each conforms at `now`; the host calls this when
 * its alarm fires. `wakeAt` is the exact time the new head conforms.
 */
export function drainThrottle<Item>(state: ThrottleState<Item>, now: number): ThrottleDecision<Item> {
  let current = state
  let started = 0
  while (started < current.queue.length && conforms(current, now)) {
    current = emit(current, now)
    started++
  }
  const queue = current.queue.slice(started)
  const next = started === 0 ? state : { ...current, queue }
  return { state: next, start: state.queue.slice(0, started), wakeAt: queue.length === 0 ? undefined : conformsAt(next) }
}

/** TAT − now, scaled by `limit` so it is an integer: (tatMs − now) × limit + tatEmissions × period. */
function scaledLead(state: ThrottleState<unknown>, now: number): number {
  return (state.tatMs - now) * state.limit + state.tatEmissions * state.periodMs
}

/** τ scaled by `limit`: (limit + burst − 1) × period. */
function scaledTolerance(state: ThrottleState<unknown>): number {
  return (state.limit + state.burst - 1) * state.periodMs
}

function conforms(state: ThrottleState<unknown>, now: number): boolean {
  return Math.max(0, scaledLead(state, now)) <= scaledTolerance(state)
}

/** TAT := max(TAT, now) + T, normalised so 0 ≤ tatEmissions < limit. */
function emit<Item>(state: ThrottleState<Item>, now: number): ThrottleState<Item> {
  const idle = scaledLead(state, now) < 0
  let tatMs = idle ? now : state.tatMs
  let tatEmissions = (idle ? 0 : state.tatEmissions) + 1
  if (tatEmissions >= state.limit) {
    tatMs += state.periodMs
    tatEmissions -= state.limit
  }
  return { ...state, tatMs, tatEmissions }
}

/** Smallest integer t with (tatMs − t) × limit + e × period ≤ τ × limit. */
function conformsAt(state: ThrottleState<unknown>): number {
  return state.tatMs + ceilDiv(state.tatEmissions * state.periodMs - scaledTolerance(state), state.limit)
}

/** ⌈a / b⌉ for integers, b > 0, exact (no float rounding at the boundary). */
function ceilDiv(a: number, b: number): number {
  const remainder = ((a % b) + b) % b
  return (a - remainder) / b + (remainder > 0 ? 1 : 0)
}
