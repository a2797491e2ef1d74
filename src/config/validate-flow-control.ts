/**
 * Shape and range checks for flow-control options (`concurrency`, `throttle`, `rateLimit`,
 * `debounce`, `batchEvents`, `cancelOn`, `timeouts`, `idempotency`, `priority`, `singleton`), each
 * on its own; pairs that cannot work together are checked after normalising
 * (flow-combinations.ts). Config that could never work (a bad or out-of-range duration, a missing
 * limit, a typo'd key, a CEL key that does not compile) fails at `createFunction` time rather
 * than at the first event.
 */
import { durationToMs } from '../../actors/engine/duration.js'
import { compileExpression, matchToIf } from '../../actors/engine/expression.js'
import { InputError } from '../../actors/engine/input-error.js'
import type { ConfigChecks, ConfigObject, DurationRange } from './config-error.js'
import { describeDuration, describeValue } from './config-error.js'

const CEL_FIX = 'use a CEL expression string such as "event.data.userId"'
const MAX_CONCURRENCY_LIMITS = 2 // Inngest `consts.MaxConcurrencyLimits`
const MAX_CANCEL_ON = 5 // Inngest `consts.MaxCancellations`

// Ranges. Inngest's own limits where it has them (server `pkg/consts`, `pkg/inngest`, docs);
// where it has none, ours, with the reason beside it.
/** Inngest `consts.Min/MaxDebouncePeriod`. `timeout` shares the cap and must be ≥ `period`. */
const DEBOUNCE_PERIOD = between('1s', '7d')
/** Inngest docs: "between 1s and 7d"; the minimum granularity is one second. */
const THROTTLE_PERIOD = between('1s', '7d')
/** Inngest's server rejects a period over 24h (`RateLimit.IsValid`, `FunctionIdempotencyPeriod`). */
const RATE_LIMIT_PERIOD = between('1s', '24h')
/** Inngest: the server rejects under 1s (`EventBatchConfig.IsValid`); the SDK type allows up to 60s. */
const BATCH_TIMEOUT = between('1s', '60s')
/** Ours: a shorter start or finish timeout would cancel a run before it could do anything. */
const RUN_TIMEOUT = between('1s', '365d')
/** Inngest's server rejects a batch under 2 ("batch size cannot be smaller than 2"). Its
 *  default cap is 100, raised per account on request; with no account to raise we allow 10×.
 *  Bytes are bounded apart from this, by the 10 MiB batch cap at runtime. */
const MAX_BATCH_SIZE = 1_000
/** Ours (Inngest: the plan's limit, 20k at most). One slot pool is one Durable Object holding a
 *  lease per executing step: 10k leases stay well under SQLite's 2 MB value limit. 0 = no limit,
 *  as Inngest documents ("a value of 0 … is the equivalent of not setting a limit"). */
const MAX_CONCURRENCY = 10_000
/** Ours (Inngest: none). The GCRA keeps (limit + burst) × period exact in integers: with both
 *  ≤ 1M and period ≤ 7d that stays below 2^53. */
const MAX_THROTTLE = 1_000_000
/** Ours (Inngest: none). The sliding window stores one timestamp per allowed run (~14 bytes each);
 *  for more, throttle is the better tool. */
const MAX_RATE_LIMIT = 10_000

/**
 * Validates each flow-control option of `config` on its own; absent options are fine.
 * @throws {ConfigError} naming the first bad field, e.g. `throttle.period`.
 */
export function validateFlowControl(config: ConfigObject, check: ConfigChecks): void {
  if (config.concurrency !== undefined) validateConcurrency(config.concurrency, check)
  if (config.throttle !== undefined) validateThrottle(config.throttle, check)
  if (config.rateLimit !== undefined) validateRateLimit(config.rateLimit, check)
  if (config.debounce !== undefined) validateDebounce(config.debounce, check)
  if (config.batchEvents !== undefined) validateBatchEvents(config.batchEvents, check)
  if (config.cancelOn !== undefined) validateCancelOn(config.cancelOn, check)
  if (config.timeouts !== undefined) validateTimeouts(config.timeouts, check)
  optionalCel(config.idempotency, 'idempotency', check)
  if (config.priority !== undefined) validatePriority(config.priority, check)
  if (config.singleton !== undefined) validateSingleton(config.singleton, check)
}

/** `throttle`: limit, period, burst and key. */
function validateThrottle(value: unknown, check: ConfigChecks): void {
  const throttle = check.object(value, 'throttle', 'use { limit: 10, period: "1m", burst?, key? }')
  check.knownKeys(throttle, 'throttle', ['limit', 'period', 'burst', 'key'])
  check.integer(throttle.limit, 'throttle.limit', 'use how many runs may start per period, e.g. 10', 1, MAX_THROTTLE)
  check.duration(throttle.period, 'throttle.period', THROTTLE_PERIOD)
  if (throttle.burst !== undefined) {
    check.integer(throttle.burst, 'throttle.burst', 'use how many runs may start at once on top of limit, e.g. 1', 1, MAX_THROTTLE)
  }
  optionalCel(throttle.key, 'throttle.key', check)
}

/** `rateLimit`: limit, period and key. */
function validateRateLimit(value: unknown, check: ConfigChecks): void {
  const rateLimit = check.object(value, 'rateLimit', 'use { limit: 1, period: "1h", key? }')
  check.knownKeys(rateLimit, 'rateLimit', ['limit', 'period', 'key'])
  const fix = `use how many runs may start per period, e.g. 1 (for more than ${MAX_RATE_LIMIT}, use throttle)`
  check.integer(rateLimit.limit, 'rateLimit.limit', fix, 1, MAX_RATE_LIMIT)
  check.duration(rateLimit.period, 'rateLimit.period', RATE_LIMIT_PERIOD)
  optionalCel(rateLimit.key, 'rateLimit.key', check)
}

/** `debounce`: period, a timeout no shorter than it, and key. */
function validateDebounce(value: unknown, check: ConfigChecks): void {
  const debounce = check.object(value, 'debounce', 'use { period: "5m", key?, timeout? }')
  check.knownKeys(debounce, 'debounce', ['period', 'key', 'timeout'])
  const periodMs = check.duration(debounce.period, 'debounce.period', DEBOUNCE_PERIOD)
  // A timeout under the period would fire every run at first event + timeout, whatever the
  // quiet period: period would do nothing.
  if (debounce.timeout !== undefined) {
    const timeoutMs = check.duration(debounce.timeout, 'debounce.timeout', DEBOUNCE_PERIOD)
    if (timeoutMs < periodMs) {
      check.fail(
        'debounce.timeout',
        `must not be shorter than debounce.period (got ${describeDuration(debounce.timeout)} < ${describeDuration(debounce.period)})`,
        'raise debounce.timeout to at least debounce.period, or leave it out',
      )
    }
  }
  optionalCel(debounce.key, 'debounce.key', check)
}

/** `batchEvents`: maxSize, timeout, key and if. */
function validateBatchEvents(value: unknown, check: ConfigChecks): void {
  const batch = check.object(value, 'batchEvents', 'use { maxSize: 100, timeout: "5s", key?, if? }')
  check.knownKeys(batch, 'batchEvents', ['maxSize', 'timeout', 'key', 'if'])
  const fix = `use the most events one run receives, from 2 to ${MAX_BATCH_SIZE}, e.g. 100 (without batchEvents, each event starts its own run)`
  check.integer(batch.maxSize, 'batchEvents.maxSize', fix, 2, MAX_BATCH_SIZE)
  check.duration(batch.timeout, 'batchEvents.timeout', BATCH_TIMEOUT)
  optionalCel(batch.key, 'batchEvents.key', check)
  optionalCel(batch.if, 'batchEvents.if', check)
}

/** `timeouts`: start and finish. */
function validateTimeouts(value: unknown, check: ConfigChecks): void {
  const timeouts = check.object(value, 'timeouts', 'use { start?: "1m", finish?: "1h" }')
  check.knownKeys(timeouts, 'timeouts', ['start', 'finish'])
  if (timeouts.start !== undefined) check.duration(timeouts.start, 'timeouts.start', RUN_TIMEOUT)
  if (timeouts.finish !== undefined) check.duration(timeouts.finish, 'timeouts.finish', RUN_TIMEOUT)
}

/** `priority`: its `run` expression. */
function validatePriority(value: unknown, check: ConfigChecks): void {
  const priority = check.object(value, 'priority', 'use { run: "event.data.priority" }')
  check.knownKeys(priority, 'priority', ['run'])
  optionalCel(priority.run, 'priority.run', check)
}

/** `singleton`: mode and key. */
function validateSingleton(value: unknown, check: ConfigChecks): void {
  const singleton = check.object(value, 'singleton', 'use { mode: "skip" | "cancel", key? }')
  check.knownKeys(singleton, 'singleton', ['mode', 'key'])
  check.oneOf(singleton.mode, 'singleton.mode', ['skip', 'cancel'])
  optionalCel(singleton.key, 'singleton.key', check)
}

function validateConcurrency(value: unknown, check: ConfigChecks): void {
  if (!Array.isArray(value)) {
    validateConcurrencyLimit(value, 'concurrency', check)
    return
  }
  if (value.length === 0 || value.length > MAX_CONCURRENCY_LIMITS) {
    check.fail(
      'concurrency',
      `must list 1 or 2 limits (got ${value.length})`,
      'use one limit, or two: e.g. [{ limit: 5, key: "event.data.userId" }, { limit: 100 }]',
    )
  }
  value.forEach((limit: unknown, i) => validateConcurrencyLimit(limit, `concurrency[${i}]`, check))
}

function validateConcurrencyLimit(value: unknown, field: string, check: ConfigChecks): void {
  const fix = 'use a number such as 10 (0 for no limit), or { limit: 10, key?, scope?: "fn" | "env" | "account" }'
  if (typeof value === 'number') {
    check.integer(value, field, fix, 0, MAX_CONCURRENCY)
    return
  }
  const limit = check.object(value, field, fix)
  check.knownKeys(limit, field, ['limit', 'key', 'scope'])
  check.integer(limit.limit, `${field}.limit`, 'use how many steps may run at once, e.g. 10 (0 for no limit)', 0, MAX_CONCURRENCY)
  optionalCel(limit.key, `${field}.key`, check)
  if (limit.scope === undefined) return
  const scope = check.oneOf(limit.scope, `${field}.scope`, ['fn', 'env', 'account'])
  // A shared scope without a key would put every function of the env/account in one queue.
  if (scope !== 'fn' && limit.key === undefined) {
    check.fail(`${field}.key`, `is required when scope is "${scope}"`, 'add a key such as "event.data.userId", or use scope "fn"')
  }
}

function validateCancelOn(value: unknown, check: ConfigChecks): void {
  const fix = 'use an array such as [{ event: "app/order.cancelled", match: "data.orderId" }]'
  if (!Array.isArray(value)) check.fail('cancelOn', `must be an array (got ${describeValue(value)})`, fix)
  const entries = value as readonly unknown[]
  if (entries.length > MAX_CANCEL_ON) {
    check.fail('cancelOn', `must have at most ${MAX_CANCEL_ON} entries (got ${entries.length})`, 'keep 5 cancellation events or fewer')
  }
  entries.forEach((entry, i) => {
    const field = `cancelOn[${i}]`
    const cancel = check.object(entry, field, fix)
    check.knownKeys(cancel, field, ['event', 'if', 'match', 'timeout'])
    check.string(cancel.event, `${field}.event`, 'use the name of the event that cancels the run, e.g. "app/order.cancelled"')
    optionalCel(cancel.if, `${field}.if`, check)
    if (cancel.match !== undefined) {
      const fix = 'use a dotted path present on both events, e.g. "data.orderId"'
      const match = check.string(cancel.match, `${field}.match`, fix)
      try {
        compileExpression(matchToIf(match), `${field}.match`)
      } catch (error) {
        if (!(error instanceof InputError)) throw error
        check.fail(`${field}.match`, `is not a dotted path (got ${describeValue(match)})`, fix)
      }
    }
    if (cancel.timeout !== undefined) check.duration(cancel.timeout, `${field}.timeout`)
  })
}

function between(min: string, max: string): DurationRange {
  return { minMs: durationToMs(min, 'min'), maxMs: durationToMs(max, 'max'), text: `${min} to ${max}` }
}

function optionalCel(value: unknown, field: string, check: ConfigChecks): void {
  if (value !== undefined) checkExpression(check.string(value, field, CEL_FIX), field, check)
}

/**
 * Compiles a CEL expression (cached per source, so the engine's later compile is free) and
 * reports a parse or type error as a `ConfigError` for `field`.
 */
export function checkExpression(source: string, field: string, check: ConfigChecks): string {
  check.parsed(() => compileExpression(source, field))
  return source
}
