/**
 * Flow control as the engine runs it (`FlowControl`): durations in ms, concurrency always a list
 * with its scope, throttle's burst filled in, keys and conditions kept as CEL sources. Shapes,
 * ranges and expressions were already validated (validate-flow-control.ts), so nothing here
 * checks again.
 */
import { durationToMs } from '../../actors/engine/duration.js'
import type { ConcurrencyLimit, FlowControl } from '../../actors/engine/function-definition.js'
import type { ConfigObject } from './config-error.js'

type Duration = number | string
type Scope = ConcurrencyLimit['scope']
type RawLimit = number | { limit: number; key?: string; scope?: Scope }

/** The flow-control options of a config that passed `validateFlowControl`. */
interface RawFlowControl {
  concurrency?: RawLimit | RawLimit[]
  throttle?: { limit: number; period: Duration; burst?: number; key?: string }
  rateLimit?: { limit: number; period: Duration; key?: string }
  idempotency?: string
  debounce?: { period: Duration; key?: string; timeout?: Duration }
  batchEvents?: { maxSize: number; timeout: Duration; key?: string; if?: string }
  singleton?: { mode: 'skip' | 'cancel'; key?: string }
  priority?: { run?: string }
  timeouts?: { start?: Duration; finish?: Duration }
}

/** Inngest's default: runs are smoothed over the period, none start on top of `limit` at once. */
const DEFAULT_THROTTLE_BURST = 1

/**
 * The normalised flow control of a validated `createFunction` config; options that are absent
 * stay absent, and `concurrency` is `[]` when there is no limit.
 * @example
 * ```ts
 * normalizeFlowControl({ concurrency: 5, throttle: { limit: 10, period: '1m' } })
 * // { concurrency: [{ limit: 5, scope: 'fn' }], throttle: { limit: 10, periodMs: 60000, burst: 1 } }
 * ```
 */
export function normalizeFlowControl(config: ConfigObject): FlowControl {
  const raw = config as RawFlowControl
  const { throttle, rateLimit, debounce, batchEvents: batch, singleton, timeouts } = raw
  return withoutUndefined({
    concurrency: normalizeConcurrency(raw.concurrency),
    throttle: throttle && withoutUndefined({
      limit: throttle.limit,
      periodMs: durationToMs(throttle.period, 'throttle.period'),
      burst: throttle.burst ?? DEFAULT_THROTTLE_BURST,
      key: throttle.key,
    }),
    rateLimit: rateLimit && withoutUndefined({
      limit: rateLimit.limit,
      periodMs: durationToMs(rateLimit.period, 'rateLimit.period'),
      key: rateLimit.key,
    }),
    idempotency: raw.idempotency,
    debounce: debounce && withoutUndefined({
      periodMs: durationToMs(debounce.period, 'debounce.period'),
      timeoutMs: optionalMs(debounce.timeout, 'debounce.timeout'),
      key: debounce.key,
    }),
    batchEvents: batch && withoutUndefined({
      maxSize: batch.maxSize,
      timeoutMs: durationToMs(batch.timeout, 'batchEvents.timeout'),
      key: batch.key,
      if: batch.if,
    }),
    singleton: singleton && withoutUndefined({ mode: singleton.mode, key: singleton.key }),
    // `priority: {}` sets nothing: without `run` every run has priority 0.
    priority: raw.priority?.run === undefined ? undefined : { run: raw.priority.run },
    timeouts: timeouts && withoutUndefined({
      startMs: optionalMs(timeouts.start, 'timeouts.start'),
      finishMs: optionalMs(timeouts.finish, 'timeouts.finish'),
    }),
  })
}

// A limit of 0 is dropped: Inngest documents 0 as "the equivalent of not setting a limit",
// while the engine's slot pool would read it as zero slots and never run anything.
function normalizeConcurrency(raw: RawLimit | RawLimit[] | undefined): ConcurrencyLimit[] {
  if (raw === undefined) return []
  const limits = Array.isArray(raw) ? raw : [raw]
  return limits
    .map((limit): ConcurrencyLimit => (typeof limit === 'number'
      ? { limit, scope: 'fn' }
      : withoutUndefined({ limit: limit.limit, key: limit.key, scope: limit.scope ?? 'fn' })))
    .filter((limit) => limit.limit > 0)
}

function optionalMs(value: Duration | undefined, field: string): number | undefined {
  return value === undefined ? undefined : durationToMs(value, field)
}

/** `value` without its `undefined` properties, so an absent option is absent, not `undefined`. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}
