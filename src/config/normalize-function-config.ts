/**
 * Turns the options a user passes to `createFunction` into the validated `FunctionOptions` the
 * engine runs on. Anything that could never work fails here, with a `ConfigError` naming the
 * field and the fix, instead of at the first event.
 */
import { parseCron } from '../../actors/engine/cron.js'
import { DEFAULT_LIMITS } from '../../actors/engine/function-definition.js'
import type { FunctionOptions, RunLimits, Trigger } from '../../actors/engine/function-definition.js'
import type { RetryPolicy } from '../../machines/index.js'
import { ConfigError, configChecks, describeValue, isConfigObject } from './config-error.js'
import type { ConfigChecks } from './config-error.js'
import { checkFlowCombinations } from './flow-combinations.js'
import { normalizeFlowControl } from './normalize-flow-control.js'
import { normalizeHost } from './normalize-host.js'
import { normalizeCancelOn, withCancelOnNames } from './normalize-cancel-on.js'
import { checkExpression, validateFlowControl } from './validate-flow-control.js'

/** The policy when `retries` is absent: 3 attempts, exponential from 1s, capped at 1h. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  backoff: 'exponential',
  initialDelayMs: 1_000,
  maxDelayMs: 3_600_000,
}

const KNOWN_OPTIONS = [
  'id', 'name', 'description', 'triggers', 'retries', 'limits', 'concurrency', 'throttle', 'rateLimit',
  'idempotency', 'debounce', 'priority', 'batchEvents', 'singleton', 'cancelOn', 'timeouts', 'onFailure',
  'middleware', 'optimizeParallelism', 'checkpointing', 'host',
] as const

const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.\-/]*$/
const MAX_ID_LENGTH = 128
const MAX_TRIGGERS = 10
const MAX_EVENT_NAME_BYTES = 256
const MAX_STEPS = 100_000
const MAX_STEP_OUTPUT_BYTES = 16 * 1024 * 1024

const RETRIES_FIX = 'use a number of retries between 0 and 20, or { attempts, backoff, maxDelay }'
const TRIGGER_FIX = 'use an event name, { event: "app/user.created", if? }, { cron: "0 9 * * *" }, or an array of up to 10 of these'
const CRON_FIX = 'use a cron expression such as "0 9 * * *" or "TZ=Europe/Paris 0 12 * * 5"'

/**
 * Validates and normalises `createFunction` options. `triggers` is the separately passed trigger
 * (v3 `createFunction(config, trigger, handler)`); when it is `undefined`, `config.triggers` is used.
 * @throws {ConfigError} (a `TypeError`) naming the first bad field and how to fix it.
 * @example
 * ```ts
 * const options = normalizeFunctionConfig({ id: 'process-order', retries: 5 }, { event: 'shop/order.placed' })
 * options.retry.attempts // 6
 * ```
 */
export function normalizeFunctionConfig(input: unknown, triggers: unknown): FunctionOptions {
  if (!isConfigObject(input)) {
    throw new ConfigError(undefined, 'config', `must be an object (got ${describeValue(input)})`, 'pass options such as { id: "process-order", triggers: { event: "shop/order.placed" } }')
  }
  const config = withCancelOnNames(input)
  const id = normalizeId(config.id)
  const check = configChecks(id)
  check.knownKeys(config, '', KNOWN_OPTIONS)
  const name = config.name === undefined ? id : check.string(config.name, 'name', 'use a display name such as "Process order", or leave it out to use the id')
  if (config.description !== undefined && typeof config.description !== 'string') {
    check.fail('description', `must be a string (got ${describeValue(config.description)})`, 'use a plain-text description, or leave it out')
  }
  if (config.onFailure !== undefined && typeof config.onFailure !== 'function') {
    check.fail('onFailure', `must be a function (got ${describeValue(config.onFailure)})`, 'pass a handler such as async ({ event, error }) => { … }')
  }
  const options = {
    id,
    name,
    triggers: normalizeTriggers(triggers === undefined ? config.triggers : triggers, check),
    retry: normalizeRetries(config.retries, check),
    limits: normalizeLimits(config.limits, check),
  }
  validateFlowControl(config, check)
  // Pairs are checked on the normalised form, where a concurrency limit of 0 (no limit) is gone.
  const flow = normalizeFlowControl(config)
  checkFlowCombinations(flow, Array.isArray(config.cancelOn) && config.cancelOn.length > 0, check)
  const host = normalizeHost(config.host, flow, check)
  return { ...options, flow, cancelOn: normalizeCancelOn(config.cancelOn), ...(host ? { host } : {}) }
}

function normalizeId(value: unknown): string {
  const fail = (problem: string): never => {
    throw new ConfigError(undefined, 'id', problem, 'use a slug such as "process-order": letters, digits, "-", "_", "." or "/", starting with a letter or digit')
  }
  if (value === undefined) return fail('is required')
  if (typeof value !== 'string' || value === '') return fail(`must be a non-empty string (got ${describeValue(value)})`)
  if (value.length > MAX_ID_LENGTH) return fail(`must be at most ${MAX_ID_LENGTH} characters (got ${value.length})`)
  if (!ID_PATTERN.test(value)) return fail(`is not a valid slug (got ${describeValue(value)})`)
  return value
}

function normalizeRetries(value: unknown, check: ConfigChecks): RetryPolicy {
  if (value === undefined) return DEFAULT_RETRY_POLICY
  if (typeof value === 'number') {
    const retries = check.integer(value, 'retries', RETRIES_FIX, 0, 20)
    return { ...DEFAULT_RETRY_POLICY, attempts: retries + 1 }
  }
  if (!isConfigObject(value)) {
    return check.fail('retries', `must be a number or an object (got ${describeValue(value)})`, RETRIES_FIX)
  }
  check.knownKeys(value, 'retries', ['attempts', 'backoff', 'initialInterval', 'maxDelay', 'maxInterval'])
  if (value.maxDelay !== undefined && value.maxInterval !== undefined) {
    check.fail('retries.maxInterval', 'is an alias of retries.maxDelay and cannot be set with it', 'keep only retries.maxDelay')
  }
  const attempts = value.attempts === undefined
    ? DEFAULT_RETRY_POLICY.attempts
    : check.integer(value.attempts, 'retries.attempts', 'use the total number of tries, the first included: 1 (never retry) to 21', 1, 21)
  const backoff = value.backoff === undefined
    ? DEFAULT_RETRY_POLICY.backoff
    : check.oneOf(value.backoff, 'retries.backoff', ['exponential', 'linear', 'fixed'])
  const initialDelayMs = value.initialInterval === undefined
    ? DEFAULT_RETRY_POLICY.initialDelayMs
    : check.duration(value.initialInterval, 'retries.initialInterval')
  const maxDelayField = value.maxInterval === undefined ? 'retries.maxDelay' : 'retries.maxInterval'
  const maxDelay = value.maxDelay ?? value.maxInterval
  const maxDelayMs = maxDelay === undefined ? DEFAULT_RETRY_POLICY.maxDelayMs : check.duration(maxDelay, maxDelayField)
  if (initialDelayMs > maxDelayMs) {
    check.fail(
      'retries.initialInterval',
      `must not be longer than ${maxDelay === undefined ? 'the default maxDelay of 1h' : maxDelayField} (got ${initialDelayMs}ms > ${maxDelayMs}ms)`,
      `shorten retries.initialInterval or raise ${maxDelayField}`,
    )
  }
  return { attempts, backoff, initialDelayMs, maxDelayMs }
}

function normalizeLimits(value: unknown, check: ConfigChecks): RunLimits {
  if (value === undefined) return DEFAULT_LIMITS
  const limits = check.object(value, 'limits', 'use { steps?: 1000, stepOutputBytes?: 4194304 }')
  check.knownKeys(limits, 'limits', ['steps', 'stepOutputBytes'])
  return {
    maxSteps: limits.steps === undefined
      ? DEFAULT_LIMITS.maxSteps
      : check.integer(limits.steps, 'limits.steps', `use a step count from 1 to ${MAX_STEPS}`, 1, MAX_STEPS),
    maxStepOutputBytes: limits.stepOutputBytes === undefined
      ? DEFAULT_LIMITS.maxStepOutputBytes
      : check.integer(limits.stepOutputBytes, 'limits.stepOutputBytes', 'use a byte count up to 16 MiB (16777216)', 1, MAX_STEP_OUTPUT_BYTES),
  }
}

function normalizeTriggers(value: unknown, check: ConfigChecks): Trigger[] {
  if (value === undefined) {
    return check.fail('triggers', 'are required', 'add triggers: { event: "app/user.created" } or { cron: "0 9 * * *" }')
  }
  if (!Array.isArray(value)) return [normalizeTrigger(value, 'triggers', check)]
  if (value.length === 0 || value.length > MAX_TRIGGERS) {
    check.fail('triggers', `must list 1 to ${MAX_TRIGGERS} triggers (got ${value.length})`, TRIGGER_FIX)
  }
  return value.map((trigger: unknown, i) => normalizeTrigger(trigger, `triggers[${i}]`, check))
}

// Extra keys are kept out of the result but not rejected: `eventType()` triggers carry a schema
// and helpers.
function normalizeTrigger(value: unknown, field: string, check: ConfigChecks): Trigger {
  if (typeof value === 'string') return { event: normalizeEventName(value, field, check) }
  if (!isConfigObject(value)) return check.fail(field, `is not a trigger (got ${describeValue(value)})`, TRIGGER_FIX)
  if (value.event !== undefined && value.cron !== undefined) {
    check.fail(field, 'has both event and cron', 'split it into two triggers: [{ event: … }, { cron: … }]')
  }
  if (value.event !== undefined) {
    const event = normalizeEventName(value.event, `${field}.event`, check)
    if (value.if === undefined) return { event }
    const condition = check.string(value.if, `${field}.if`, 'use a CEL expression such as "event.data.plan == \'pro\'"')
    return { event, if: checkExpression(condition, `${field}.if`, check) }
  }
  if (value.cron !== undefined) return { cron: checkCron(value.cron, `${field}.cron`, check) }
  const keys = Object.keys(value)
  const got = keys.length === 0 ? 'an empty object' : `an object with ${keys.join(', ')}`
  return check.fail(field, `is not a trigger (got ${got})`, TRIGGER_FIX)
}

function normalizeEventName(value: unknown, field: string, check: ConfigChecks): string {
  const name = check.string(value, field, 'use an event name such as "app/user.created"')
  if (name.trim() !== name) {
    check.fail(field, `must not start or end with whitespace (got ${describeValue(name)})`, 'remove the surrounding spaces')
  }
  const bytes = new TextEncoder().encode(name).length
  if (bytes > MAX_EVENT_NAME_BYTES) {
    check.fail(field, `must be at most ${MAX_EVENT_NAME_BYTES} bytes (got ${bytes})`, 'use a shorter event name')
  }
  if (name.includes('*') && !/^[^*]+[/.]\*$/.test(name)) {
    check.fail(
      field,
      `may only use "*" as the whole last segment, after "/" or "." (got ${describeValue(name)})`,
      'use a wildcard such as "app/*" or "app/user.*", or the full event name',
    )
  }
  return name
}

function checkCron(value: unknown, field: string, check: ConfigChecks): string {
  const cron = check.string(value, field, CRON_FIX)
  check.parsed(() => parseCron(cron, field))
  return cron
}
