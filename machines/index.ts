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
