/**
 * Shape checks for flow-control options (`concurrency`, `throttle`, `rateLimit`, `debounce`,
 * `batchEvents`, `cancelOn`, `timeouts`, `idempotency`, `priority`, `singleton`). They are not
 * enforced yet, but config that could never work (a bad duration, a missing limit, a typo'd key,
 * a CEL key that does not compile) fails at `createFunction` time now rather than when flow
 * control lands.
 */
import { compileExpression, matchToIf } from '../../actors/engine/expression.js'
import { InputError } from '../../actors/engine/input-error.js'
import type { ConfigChecks, ConfigObject } from './config-error.js'
import { describeValue } from './config-error.js'

const CEL_FIX = 'use a CEL expression string such as "event.data.userId"'
const MAX_CONCURRENCY_LIMITS = 2
const MAX_CANCEL_ON = 5

/**
 * Validates the flow-control options of `config`; absent options are fine.
 * @throws {ConfigError} naming the first bad field, e.g. `throttle.period`.
 */
export function validateFlowControl(config: ConfigObject, check: ConfigChecks): void {
  if (config.concurrency !== undefined) validateConcurrency(config.concurrency, check)
  if (config.throttle !== undefined) {
    const throttle = check.object(config.throttle, 'throttle', 'use { limit: 10, period: "1m", burst?, key? }')
    check.knownKeys(throttle, 'throttle', ['limit', 'period', 'burst', 'key'])
    check.integer(throttle.limit, 'throttle.limit', 'use how many runs may start per period, e.g. 10', 1)
    check.duration(throttle.period, 'throttle.period')
    if (throttle.burst !== undefined) check.integer(throttle.burst, 'throttle.burst', 'use a whole number of extra runs, e.g. 1', 1)
    optionalCel(throttle.key, 'throttle.key', check)
  }
  if (config.rateLimit !== undefined) {
    const rateLimit = check.object(config.rateLimit, 'rateLimit', 'use { limit: 1, period: "1h", key? }')
    check.knownKeys(rateLimit, 'rateLimit', ['limit', 'period', 'key'])
    check.integer(rateLimit.limit, 'rateLimit.limit', 'use how many runs may start per period, e.g. 1', 1)
    check.duration(rateLimit.period, 'rateLimit.period')
    optionalCel(rateLimit.key, 'rateLimit.key', check)
  }
  if (config.debounce !== undefined) {
    const debounce = check.object(config.debounce, 'debounce', 'use { period: "5m", key?, timeout? }')
    check.knownKeys(debounce, 'debounce', ['period', 'key', 'timeout'])
    check.duration(debounce.period, 'debounce.period')
    if (debounce.timeout !== undefined) check.duration(debounce.timeout, 'debounce.timeout')
    optionalCel(debounce.key, 'debounce.key', check)
  }
  if (config.batchEvents !== undefined) {
    const batch = check.object(config.batchEvents, 'batchEvents', 'use { maxSize: 100, timeout: "5s", key?, if? }')
    check.knownKeys(batch, 'batchEvents', ['maxSize', 'timeout', 'key', 'if'])
    check.integer(batch.maxSize, 'batchEvents.maxSize', 'use the most events one run receives, e.g. 100', 1)
    check.duration(batch.timeout, 'batchEvents.timeout')
    optionalCel(batch.key, 'batchEvents.key', check)
    optionalCel(batch.if, 'batchEvents.if', check)
  }
  if (config.cancelOn !== undefined) validateCancelOn(config.cancelOn, check)
  if (config.timeouts !== undefined) {
    const timeouts = check.object(config.timeouts, 'timeouts', 'use { start?: "1m", finish?: "1h" }')
    check.knownKeys(timeouts, 'timeouts', ['start', 'finish'])
    if (timeouts.start !== undefined) check.duration(timeouts.start, 'timeouts.start')
    if (timeouts.finish !== undefined) check.duration(timeouts.finish, 'timeouts.finish')
  }
  optionalCel(config.idempotency, 'idempotency', check)
  if (config.priority !== undefined) {
    const priority = check.object(config.priority, 'priority', 'use { run: "event.data.priority" }')
    check.knownKeys(priority, 'priority', ['run'])
    optionalCel(priority.run, 'priority.run', check)
  }
  if (config.singleton !== undefined) {
    const singleton = check.object(config.singleton, 'singleton', 'use { mode: "skip" | "cancel", key? }')
    check.knownKeys(singleton, 'singleton', ['mode', 'key'])
    check.oneOf(singleton.mode, 'singleton.mode', ['skip', 'cancel'])
    optionalCel(singleton.key, 'singleton.key', check)
  }
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
  const fix = 'use a number such as 10, or { limit: 10, key?, scope?: "fn" | "env" | "account" }'
  if (typeof value === 'number') {
    check.integer(value, field, fix, 0)
    return
  }
  const limit = check.object(value, field, fix)
  check.knownKeys(limit, field, ['limit', 'key', 'scope'])
  check.integer(limit.limit, `${field}.limit`, 'use how many steps may run at once, e.g. 10', 0)
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

function optionalCel(value: unknown, field: string, check: ConfigChecks): void {
  if (value !== undefined) checkExpression(check.string(value, field, CEL_FIX), field, check)
}

/**
 * Compiles a CEL expression (cached per source, so the engine's later compile is free) and
 * reports a parse or type error as a `ConfigError` for `field`.
 */
export function checkExpression(source: string, field: string, check: ConfigChecks): string {
  try {
    compileExpression(source, field)
  } catch (error) {
    if (error instanceof InputError) check.fail(error.field, error.problem, error.fix)
    throw error
  }
  return source
}
