/**
 * Concurrency slots for one (scope, key): a pool of `limit` leases and a wait queue ordered by
 * priority, then arrival. A run's actor requests a slot before it executes and releases it when
 * it stops executing (a sleeping or waiting run holds none). Every lease expires unless renewed,
 * so a slot whose holder died comes back by itself. See README.md beside this file.
 *
 * Every operation first frees the leases that have expired at its `at`, and last grants free
 * slots to waiters, so after any call: `leases.length ≤ limit`, and the queue is empty or every
 * slot is taken.
 */
import { DEFAULT_MAX_PRIORITY_SECONDS, clampPriority, priorityOrderAt } from './priority.js'

/** What a slot pool is configured with. */
export interface ConcurrencyConfig {
  /** Slots in the pool (≥ 0). */
  readonly limit: number
  /** How long a lease lasts after it is granted unless renewed, in ms. */
  readonly leaseMs: number
  /** Bound on |priority| in seconds; default 600. */
  readonly maxPrioritySeconds?: number
}

/** A slot held by a run until `expiresAt` (epoch ms). */
export interface ConcurrencyLease {
  readonly runId: string
  readonly grantedAt: number
  readonly expiresAt: number
  /** The waiter's `host`, so whoever is told of the grant knows where the run lives. */
  readonly host?: unknown
}

/** A run waiting for a slot. Served in ascending (`orderAt`, `seq`) order. */
export interface ConcurrencyWaiter {
  readonly runId: string
  /** Clamped priority in seconds. */
  readonly priority: number
  readonly requestedAt: number
  /** `requestedAt − priority × 1000`. */
  readonly orderAt: number
  /** Arrival counter, the FIFO tie-break. */
  readonly seq: number
  /** The request's `host`, kept for its lease. */
  readonly host?: unknown
}

/** The pool's persisted state: plain JSON. */
export interface ConcurrencyState {
  readonly limit: number
  readonly leaseMs: number
  readonly maxPrioritySeconds: number
  readonly leases: readonly ConcurrencyLease[]
  readonly waiting: readonly ConcurrencyWaiter[]
  readonly nextSeq: number
}

/** A run asking for a slot at `at`; `priority` in seconds (default 0). */
export interface ConcurrencyRequest {
  readonly runId: string
  readonly priority?: number
  readonly at: number
  /** Where the run lives, as the host addresses it: opaque here, carried to the run's lease. */
  readonly host?: unknown
}

/** What an operation decided: the new state, leases granted now, runs whose lease expired. */
export interface ConcurrencyDecision {
  readonly state: ConcurrencyState
  /** Leases granted by this call, in grant order; the host tells each run it may execute. */
  readonly granted: readonly ConcurrencyLease[]
  /** Runs whose lease expired during this call (their slot went to the next waiter). */
  readonly expired: readonly string[]
  /** When the next lease expires: the host's alarm. */
  readonly wakeAt: number | undefined
}

/** An empty pool. */
export function createConcurrency(config: ConcurrencyConfig): ConcurrencyState {
  return {
    limit: Math.max(0, Math.trunc(config.limit)),
    leaseMs: config.leaseMs,
    maxPrioritySeconds: config.maxPrioritySeconds ?? DEFAULT_MAX_PRIORITY_SECONDS,
    leases: [],
    waiting: [],
    nextSeq: 0,
  }
}

/**
 * Asks for a slot. `outcome` is `granted` when the run holds a lease after the call, else
 * `queued`. Asking again for a run that already holds or awaits a slot changes nothing.
 */
export function requestSlot(state: ConcurrencyState, request: ConcurrencyRequest): ConcurrencyDecision & { readonly outcome: 'granted' | 'queued' } {
  const { state: current, expired } = dropExpired(state, request.at)
  let next = current
  if (!holds(current, request.runId) && !current.waiting.some((w) => w.runId === request.runId)) {
    const priority = clampPriority(request.priority ?? 0, current.maxPrioritySeconds)
    const waiter: ConcurrencyWaiter = {
      runId: request.runId,
      priority,
      requestedAt: request.at,
      orderAt: priorityOrderAt(request.at, priority, current.maxPrioritySeconds),
      seq: current.nextSeq,
      ...(request.host === undefined ? {} : { host: request.host }),
    }
    next = { ...current, waiting: insertWaiter(current.waiting, waiter), nextSeq: current.nextSeq + 1 }
  }
  const decision = grantWaiting(next, request.at, expired)
  return { ...decision, outcome: holds(decision.state, request.runId) ? 'granted' : 'queued' }
}

/**
 * Gives back a run's slot at `at` (or withdraws its request if it is still waiting) and grants
 * freed slots. Releasing a run that holds nothing changes nothing.
 */
export function releaseSlot(state: ConcurrencyState, runId: string, at: number): ConcurrencyDecision {
  const { state: current, expired } = dropExpired(state, at)
  const next: ConcurrencyState = {
    ...current,
    leases: current.leases.filter((l) => l.runId !== runId),
    waiting: current.waiting.filter((w) => w.runId !== runId),
  }
  return grantWaiting(next, at, expired)
}

/**
 * Extends a run's lease to `until` (never shortens it), after freeing what expired by `at`.
 * `renewed` is false when the run holds no live lease, e.g. because it already expired (and its
 * slot may have gone to a waiter): the run must request a slot again.
 */
export function renewSlot(state: ConcurrencyState, runId: string, until: number, at: number): ConcurrencyDecision & { readonly renewed: boolean } {
  const { state: current, expired } = dropExpired(state, at)
  const renewed = holds(current, runId)
  const leases = current.leases.map((l) => (l.runId === runId ? { ...l, expiresAt: Math.max(l.expiresAt, until) } : l))
  return { ...grantWaiting(renewed ? { ...current, leases } : current, at, expired), renewed }
}

/**
 * Frees leases whose `expiresAt ≤ now` and grants waiters. The host calls this when its alarm
 * fires, and after changing `limit` in the state (a raised limit grants at once).
 */
export function expireSlots(state: ConcurrencyState, now: number): ConcurrencyDecision {
  const { state: current, expired } = dropExpired(state, now)
  return grantWaiting(current, now, expired)
}

/** The earliest lease expiry: when the host's alarm should fire, or undefined with no leases. */
export function nextSlotExpiry(state: ConcurrencyState): number | undefined {
  let earliest: number | undefined
  for (const lease of state.leases) if (earliest === undefined || lease.expiresAt < earliest) earliest = lease.expiresAt
  return earliest
}

/** Whether `runId` holds a lease in `state`; one past its expiry counts until a call at a later `at` drops it. */
export function holdsSlot(state: ConcurrencyState, runId: string): boolean {
  return holds(state, runId)
}

function holds(state: ConcurrencyState, runId: string): boolean {
  return state.leases.some((l) => l.runId === runId)
}

function dropExpired(state: ConcurrencyState, now: number): { state: ConcurrencyState; expired: string[] } {
  const expired = state.leases.filter((l) => l.expiresAt <= now).map((l) => l.runId)
  if (expired.length === 0) return { state, expired }
  return { state: { ...state, leases: state.leases.filter((l) => l.expiresAt > now) }, expired }
}

/** Inserts after every waiter that orders before or equal to it, so equal keys stay FIFO. */
function insertWaiter(waiting: readonly ConcurrencyWaiter[], waiter: ConcurrencyWaiter): ConcurrencyWaiter[] {
  const index = waiting.findIndex((w) => w.orderAt > waiter.orderAt || (w.orderAt === waiter.orderAt && w.seq > waiter.seq))
  return index === -1 ? [...waiting, waiter] : [...waiting.slice(0, index), waiter, ...waiting.slice(index)]
}

function grantWaiting(state: ConcurrencyState, at: number, expired: readonly string[]): ConcurrencyDecision {
  const free = Math.max(0, state.limit - state.leases.length)
  const served = state.waiting.slice(0, free)
  const granted = served.map((w): ConcurrencyLease => ({
    runId: w.runId,
    grantedAt: at,
    expiresAt: at + state.leaseMs,
    ...(w.host === undefined ? {} : { host: w.host }),
  }))
  const next = granted.length === 0 ? state : { ...state, leases: [...state.leases, ...granted], waiting: state.waiting.slice(free) }
  return { state: next, granted, expired, wakeAt: nextSlotExpiry(next) }
}
