/**
 * The value of a flow-control key (`concurrency.key`, `throttle.key`, `rateLimit.key`,
 * `debounce.key`, `batchEvents.key`, `singleton.key`, `idempotency`): CEL over `event`, as text.
 * Distinct values get distinct slot and gate objects (their names end with it); the slot actors
 * (run-admission.ts) and the flow gates (flow-gate-rpc.ts) both call this.
 */
import type { RunEventPayload } from './executor.js'
import { compileExpression } from './expression.js'

/**
 * The key of an event without a value: no key configured, a key evaluating to `null`, or one that
 * cannot be evaluated (a missing field, a type mismatch). Such events share one slot or gate per
 * function, rather than being dropped; as in Inngest, where every such key is the same `<nil>`.
 */
export const NO_KEY_VALUE = ''

/**
 * `source`'s value for `event`: a string as is, any other value as JSON (numbers `42`, objects
 * `{"a":1}`, bigints as their digits); no value is `NO_KEY_VALUE`.
 *
 * Before one helper, the run side spelt an explicit `null` `"null"` (a concurrency or throttle
 * slot of its own) while the gates spelt it `''`. The gates' spelling was kept: their data lasts
 * (idempotency and rate-limit windows, open batches, singleton runs), where a slot's is
 * transient (a lease expires within LEASE_MS and a queued run asks again on its own alarm).
 */
export function flowKeyValue(source: string | undefined, event: RunEventPayload | undefined, field: string): string {
  if (source === undefined) return NO_KEY_VALUE
  let value: unknown
  try {
    value = compileExpression(source, field).evaluate({ event })
  } catch {
    return NO_KEY_VALUE
  }
  if (value === null || value === undefined) return NO_KEY_VALUE
  return typeof value === 'string' ? value : JSON.stringify(value, (_, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))
}
