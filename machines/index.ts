/**
 * `@dotdo/inngest/machines`: the pure run machine and everything needed to host it elsewhere.
 * @example
 * ```ts
 * import { initialRunSnapshot, advanceRun, persistRunSnapshot } from '@dotdo/inngest/machines'
 * let snapshot = initialRunSnapshot({ runId, functionId: 'hello', retry, maxSteps: 1000, at: Date.now() })
 * snapshot = advanceRun(snapshot, { type: 'RUN.START', at: Date.now() })
 * storage.put('snapshot', persistRunSnapshot(snapshot))
 * ```
 */
export { runMachine } from './run-machine.js'
export type { RunMachine } from './run-machine.js'
export {
  advanceRun,
  canRecordStep,
  initialRunSnapshot,
  nextTimer,
  persistRunSnapshot,
  restoreRunSnapshot,
} from './run-snapshot.js'
export type { PersistedRunSnapshot, RunSnapshot } from './run-snapshot.js'
export { hasAttemptsLeft, retryDelay } from './backoff.js'
export { COMPATIBILITY, needsBranch, RUN_SNAPSHOT_VERSION, storedVersion } from './compatibility.js'
export type { CompatibilityBranch } from './compatibility.js'
export { decideEffects, transitionRun } from './run-decisions.js'
export type { CancelRule, EndedRunFacts, RunFacts, RunTransition } from './run-decisions.js'
export type { InvokeResult, ParentLink, RunAddress, RunEffect, RunEffectKind, RunEventPayload, WaitRegistration } from './run-effects.js'
export { indexEntry, OUTCOME_STATUS, systemEvents } from './run-end.js'
export type { IndexedRunStatus, RunIndexEntry } from './run-index-entry.js'
export { INVOKE_WAIT_EVENT } from './run-machine.js'
export { RUN_RETRY_KEY } from './run-types.js'
export type {
  PendingTimer,
  RetryPolicy,
  RunContext,
  RunEvent,
  RunEventType,
  RunInput,
  RunOutcome,
  RunStateValue,
  SerializedError,
} from './run-types.js'
// Flow control: pure per-key state + decisions for the actors that host them (machines/flow/README.md).
export { createConcurrency, expireSlots, holdsSlot, nextSlotExpiry, releaseSlot, renewSlot, requestSlot } from './flow/concurrency.js'
export type { ConcurrencyConfig, ConcurrencyDecision, ConcurrencyLease, ConcurrencyRequest, ConcurrencyState, ConcurrencyWaiter } from './flow/concurrency.js'
export { createThrottle, drainThrottle, enqueueThrottled } from './flow/throttle.js'
export type { ThrottleConfig, ThrottleDecision, ThrottleState } from './flow/throttle.js'
export { IDEMPOTENCY_PERIOD_MS, admitRateLimited, createIdempotency, createRateLimit, rateLimitNextAllowedAt } from './flow/rate-limit.js'
export type { RateLimitConfig, RateLimitDecision, RateLimitState } from './flow/rate-limit.js'
export { emptyDebounce, fireDebounce, pushDebounce } from './flow/debounce.js'
export type { DebounceDecision, DebounceOptions, DebouncePending, DebounceState } from './flow/debounce.js'
export { addToBatch, emptyBatch, flushDueBatch } from './flow/batch.js'
export type { BatchDecision, BatchOptions, BatchState, OpenBatch } from './flow/batch.js'
export { arriveSingleton, emptySingleton, finishSingleton } from './flow/singleton.js'
export type { SingletonMode, SingletonState, SingletonVerdict } from './flow/singleton.js'
export { DEFAULT_MAX_PRIORITY_SECONDS, clampPriority, priorityOrderAt } from './flow/priority.js'
