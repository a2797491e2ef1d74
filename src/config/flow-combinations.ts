/**
 * Flow-control options that cannot work together. Each pair fails at `createFunction` with a
 * `ConfigError` that names both options, says why, and how to fix it. Where Inngest's server
 * rejects a pair we do too; where Inngest accepts a pair but silently ignores one side, we reject
 * it, since the ignored option would not do what the config says.
 */
import type { FlowControl } from '../../actors/engine/function-definition.js'
import type { ConfigChecks } from './config-error.js'

/** An option a conflict can name: a `FlowControl` field, or `cancelOn`. */
type FlowOption = Exclude<keyof FlowControl, 'timeouts' | 'throttle'> | 'cancelOn'

interface Conflict {
  /** The option the error's `field` names; the message names both. */
  readonly field: FlowOption
  readonly other: FlowOption
  readonly why: string
  readonly fix: string
}

// Checked in this order; the first that applies is reported. Sources: Inngest's server
// `Function.Validate` (pkg/inngest/function.go) and the docs' compatibility notes.
const CONFLICTS: readonly Conflict[] = [
  {
    // Server: "Batching and debouncing are mutually exclusive".
    field: 'batchEvents',
    other: 'debounce',
    why: 'a batch run receives every event, a debounced run only the last one',
    fix: 'keep batchEvents to handle every event in groups, or debounce to run once with the last event of a burst',
  },
  {
    // Server: "Batching and cancellation are mutually exclusive".
    field: 'batchEvents',
    other: 'cancelOn',
    why: 'cancelOn matches the cancelling event against the run\'s one triggering event, and a batch run has many',
    fix: 'remove cancelOn, or remove batchEvents so each event has its own cancellable run',
  },
  {
    // Server: "A function cannot specify Priority.Run and Batch together".
    field: 'batchEvents',
    other: 'priority',
    why: 'priority.run is evaluated on one event, and a batch run has many',
    fix: 'remove priority, or remove batchEvents',
  },
  {
    // Docs (singleton): batching is "Not compatible with singleton functions".
    field: 'batchEvents',
    other: 'singleton',
    why: 'singleton holds one run per key of its event, and a batch run has many events',
    fix: 'remove singleton (batchEvents.key already groups events per key), or remove batchEvents',
  },
  {
    // Docs (batching caveats): rate limiting does not work with batching.
    field: 'batchEvents',
    other: 'rateLimit',
    why: 'Inngest does not rate-limit batched functions, so rateLimit would limit nothing',
    fix: 'bound the work with batchEvents.maxSize and throttle instead, or remove batchEvents',
  },
  {
    // idempotency is a rateLimit (server: limit 1, period 24h, key), so the same caveat applies.
    field: 'batchEvents',
    other: 'idempotency',
    why: 'idempotency is a rate limit of 1 per key per 24h, and Inngest does not rate-limit batched functions',
    fix: 'deduplicate with event ids instead (events with the same id are dropped for 24h), or remove batchEvents',
  },
  {
    // Server: idempotency is compiled to rateLimit { limit: 1, period: 24h, key } and overrides it.
    field: 'idempotency',
    other: 'rateLimit',
    why: 'idempotency is itself a rate limit of 1 per key per 24h and replaces rateLimit, which would be ignored',
    fix: 'keep idempotency for once per key per 24h, or rateLimit with limit: 1 and your own period and key',
  },
  {
    // Docs (singleton): "Concurrency settings are ignored". A limit of 0 (no limit) is dropped
    // when normalising, so `concurrency: 0` with singleton is fine.
    field: 'singleton',
    other: 'concurrency',
    why: 'a singleton function already runs one at a time per key, and Inngest ignores concurrency on it',
    fix: 'remove concurrency, or remove singleton and use concurrency with a key to queue runs instead of skipping or cancelling them',
  },
]

/**
 * Rejects the first pair of options in `flow` (normalised, so a concurrency limit of 0 is already
 * gone) that cannot work together. `hasCancelOn` is whether `cancelOn` lists any event.
 * @throws {ConfigError} whose `field` is one option and whose message names both, e.g.
 * `createFunction "x": batchEvents cannot be combined with debounce (…). Fix: …`.
 */
export function checkFlowCombinations(flow: FlowControl, hasCancelOn: boolean, check: ConfigChecks): void {
  const isSet = (option: FlowOption): boolean => {
    if (option === 'cancelOn') return hasCancelOn
    if (option === 'concurrency') return flow.concurrency.length > 0
    return flow[option] !== undefined
  }
  for (const { field, other, why, fix } of CONFLICTS) {
    if (isSet(field) && isSet(other)) check.fail(field, `cannot be combined with ${other} (${why})`, fix)
  }
}
