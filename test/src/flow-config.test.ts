import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/config-error'
import { normalizeFlowControl } from '../../src/config/normalize-flow-control'
import { normalizeFunctionConfig } from '../../src/config/normalize-function-config'
import { failureHandlerId, findFunction } from '../../actors/registry.js'
import { Inngest } from '../../src/index.js'

const EVENT = { event: 'shop/order.placed' }

function fnWith(options: Record<string, unknown>): Record<string, unknown> {
  return { id: 'process-order', ...options }
}

function configErrorOf(options: Record<string, unknown>): ConfigError {
  try {
    normalizeFunctionConfig(fnWith(options), EVENT)
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

const flowOf = (options: Record<string, unknown>) => normalizeFunctionConfig(fnWith(options), EVENT).flow

describe('flow-control ranges', () => {
  it('words a range error with the field, the bounds, the value and the fix', () => {
    expect(configErrorOf({ debounce: { period: '8d' } }).message).toBe(
      'createFunction "process-order": debounce.period must be from 1s to 7d (got "8d"). Fix: use a duration from 1s to 7d.',
    )
  })

  const cases: ReadonlyArray<[string, Record<string, unknown>, string, string, string]> = [
    // [case, options, field, problem substring, fix substring]
    ['debounce.period is under 1s', { debounce: { period: '500ms' } }, 'debounce.period', 'from 1s to 7d (got "500ms")', 'from 1s to 7d'],
    ['debounce.period is 999 ms', { debounce: { period: 999 } }, 'debounce.period', '(got 999ms)', 'from 1s to 7d'],
    ['debounce.period is over 7d', { debounce: { period: '1w 1s' } }, 'debounce.period', 'from 1s to 7d', 'from 1s to 7d'],
    ['debounce.timeout is over 7d', { debounce: { period: '1m', timeout: '8d' } }, 'debounce.timeout', 'from 1s to 7d', 'from 1s to 7d'],
    ['debounce.timeout is shorter than the period', { debounce: { period: '5m', timeout: '1m' } }, 'debounce.timeout', 'shorter than debounce.period (got "1m" < "5m")', 'at least debounce.period'],
    ['throttle.period is under 1s', { throttle: { limit: 1, period: '500ms' } }, 'throttle.period', 'from 1s to 7d', 'from 1s to 7d'],
    ['throttle.period is over 7d', { throttle: { limit: 1, period: '8d' } }, 'throttle.period', 'from 1s to 7d', 'from 1s to 7d'],
    ['throttle.limit is over 1M', { throttle: { limit: 1_000_001, period: '1d' } }, 'throttle.limit', 'from 1 to 1000000', 'runs may start per period'],
    ['throttle.burst is 0', { throttle: { limit: 1, period: '1s', burst: 0 } }, 'throttle.burst', 'from 1 to 1000000 (got 0)', 'on top of limit'],
    ['rateLimit.period is 0s', { rateLimit: { limit: 1, period: '0s' } }, 'rateLimit.period', 'from 1s to 24h (got "0s")', 'from 1s to 24h'],
    ['rateLimit.period is over 24h', { rateLimit: { limit: 1, period: '25h' } }, 'rateLimit.period', 'from 1s to 24h', 'from 1s to 24h'],
    ['rateLimit.limit is over 10k', { rateLimit: { limit: 10_001, period: '1h' } }, 'rateLimit.limit', 'from 1 to 10000', 'use throttle'],
    ['batchEvents.maxSize is 1', { batchEvents: { maxSize: 1, timeout: '5s' } }, 'batchEvents.maxSize', 'from 2 to 1000 (got 1)', 'each event starts its own run'],
    ['batchEvents.maxSize is over 1000', { batchEvents: { maxSize: 1001, timeout: '5s' } }, 'batchEvents.maxSize', 'from 2 to 1000', 'from 2 to 1000'],
    ['batchEvents.timeout is over 60s', { batchEvents: { maxSize: 10, timeout: '61s' } }, 'batchEvents.timeout', 'from 1s to 60s (got "61s")', 'from 1s to 60s'],
    ['batchEvents.timeout is under 1s', { batchEvents: { maxSize: 10, timeout: 500 } }, 'batchEvents.timeout', 'from 1s to 60s (got 500ms)', 'from 1s to 60s'],
    ['concurrency is over 10k', { concurrency: 10_001 }, 'concurrency', 'from 0 to 10000', '0 for no limit'],
    ['concurrency.limit is negative', { concurrency: { limit: -1 } }, 'concurrency.limit', 'from 0 to 10000 (got -1)', '0 for no limit'],
    ['a second concurrency limit is over 10k', { concurrency: [5, { limit: 20_000, key: 'event.data.id' }] }, 'concurrency[1].limit', 'from 0 to 10000', 'steps may run at once'],
    ['timeouts.start is under 1s', { timeouts: { start: '500ms' } }, 'timeouts.start', 'from 1s to 365d', 'from 1s to 365d'],
    ['timeouts.finish is 0', { timeouts: { finish: 0 } }, 'timeouts.finish', '(got 0ms)', 'from 1s to 365d'],
  ]

  it.each(cases)('rejects config where %s', (_case, options, field, problem, fix) => {
    const error = configErrorOf(options)
    expect(error.field).toBe(field)
    expect(error.problem).toContain(problem)
    expect(error.fix).toContain(fix)
    expect(error.message).toContain(`"process-order": ${field} `)
  })

  it('accepts the bounds themselves', () => {
    expect(flowOf({ debounce: { period: '1s', timeout: '7d' } })?.debounce).toStrictEqual({ periodMs: 1_000, timeoutMs: 604_800_000 })
    expect(flowOf({ rateLimit: { limit: 10_000, period: '24h' } })?.rateLimit).toStrictEqual({ limit: 10_000, periodMs: 86_400_000 })
    expect(flowOf({ batchEvents: { maxSize: 2, timeout: '60s' } })?.batchEvents).toStrictEqual({ maxSize: 2, timeoutMs: 60_000 })
    expect(flowOf({ throttle: { limit: 1_000_000, period: '7d', burst: 1_000_000 } })?.throttle).toStrictEqual({ limit: 1_000_000, periodMs: 604_800_000, burst: 1_000_000 })
    expect(flowOf({ concurrency: 10_000 })?.concurrency).toStrictEqual([{ limit: 10_000, scope: 'fn' }])
  })
})

describe('flow-control combinations', () => {
  it('words a conflict with both options, the reason and the fix', () => {
    expect(configErrorOf({ batchEvents: { maxSize: 10, timeout: '5s' }, debounce: { period: '5s' } }).message).toBe(
      'createFunction "process-order": batchEvents cannot be combined with debounce ' +
        '(a batch run receives every event, a debounced run only the last one). ' +
        'Fix: keep batchEvents to handle every event in groups, or debounce to run once with the last event of a burst.',
    )
  })

  const batch = { maxSize: 10, timeout: '5s' }
  const conflicts: ReadonlyArray<[Record<string, unknown>, string, string, string]> = [
    // [options, field, other option, fix substring]
    [{ batchEvents: batch, cancelOn: [{ event: 'app/x' }] }, 'batchEvents', 'cancelOn', 'remove cancelOn'],
    [{ batchEvents: batch, priority: { run: 'event.data.p' } }, 'batchEvents', 'priority', 'remove priority'],
    [{ batchEvents: batch, singleton: { mode: 'skip' } }, 'batchEvents', 'singleton', 'batchEvents.key already groups'],
    [{ batchEvents: batch, rateLimit: { limit: 1, period: '1h' } }, 'batchEvents', 'rateLimit', 'throttle instead'],
    [{ batchEvents: batch, idempotency: 'event.data.id' }, 'batchEvents', 'idempotency', 'event ids'],
    [{ idempotency: 'event.data.id', rateLimit: { limit: 5, period: '1h' } }, 'idempotency', 'rateLimit', 'keep idempotency'],
    [{ singleton: { mode: 'cancel', key: 'event.data.id' }, concurrency: { limit: 1, key: 'event.data.id' } }, 'singleton', 'concurrency', 'remove concurrency'],
    [{ singleton: { mode: 'skip' }, concurrency: [0, { limit: 5, scope: 'account', key: '"ai"' }] }, 'singleton', 'concurrency', 'remove singleton'],
  ]

  it.each(conflicts)('rejects %j naming %s and %s', (options, field, other, fix) => {
    const error = configErrorOf(options)
    expect(error.field).toBe(field)
    expect(error.message).toContain(`"process-order": ${field} cannot be combined with ${other} (`)
    expect(error.fix).toContain(fix)
  })

  it('reports a bad option before a bad combination', () => {
    expect(configErrorOf({ batchEvents: { maxSize: 1, timeout: '5s' }, debounce: { period: '5s' } }).field).toBe('batchEvents.maxSize')
  })

  it('accepts pairs that only look like conflicts', () => {
    expect(flowOf({ singleton: { mode: 'skip' }, concurrency: 0 })?.concurrency).toEqual([])
    expect(flowOf({ batchEvents: batch, cancelOn: [], priority: {} })?.batchEvents).toStrictEqual({ maxSize: 10, timeoutMs: 5_000 })
    expect(flowOf({ debounce: { period: '5s' }, rateLimit: { limit: 1, period: '1h' }, singleton: { mode: 'skip' }, throttle: { limit: 1, period: '1s' } })).toBeDefined()
    expect(flowOf({ batchEvents: batch, concurrency: 5, throttle: { limit: 1, period: '1s' }, timeouts: { finish: '1h' } })).toBeDefined()
  })

  it('throws the TypeError from createFunction, before registering anything', () => {
    const app = new Inngest({ id: 'flow-combinations' })
    const create = () => app.createFunction({ id: 'f', idempotency: 'event.data.id', rateLimit: { limit: 1, period: '1h' } }, EVENT, () => 1)
    expect(create).toThrow(TypeError)
    expect(create).toThrow(/idempotency cannot be combined with rateLimit/)
  })
})

describe('normalizeFlowControl', () => {
  it.each([
    [{ concurrency: 5 }, { concurrency: [{ limit: 5, scope: 'fn' }] }],
    [{ concurrency: { limit: 1, key: 'event.data.userId' } }, { concurrency: [{ limit: 1, key: 'event.data.userId', scope: 'fn' }] }],
    [{ throttle: { limit: 10, period: '1m' } }, { concurrency: [], throttle: { limit: 10, periodMs: 60_000, burst: 1 } }],
    [{ debounce: { period: '5s', key: 'event.data.userId' } }, { concurrency: [], debounce: { periodMs: 5_000, key: 'event.data.userId' } }],
    [{}, { concurrency: [] }],
  ] as const)('normalises the seed example %j', (options, flow) => {
    expect(flowOf(options)).toStrictEqual(flow)
  })

  it('converts every duration to ms and keeps keys and conditions as CEL sources', () => {
    const flow = normalizeFlowControl({
      concurrency: [{ limit: 2, key: 'event.data.userId', scope: 'account' }, 50],
      throttle: { limit: 2, period: '6s', burst: 3, key: 'event.data.userId' },
      rateLimit: { limit: 1, period: '1h30m', key: 'event.data.id' },
      debounce: { period: 5_000, timeout: '1m' },
      priority: { run: 'event.data.priority' },
      timeouts: { start: '1m', finish: 7_200_000 },
    })
    expect(flow).toStrictEqual({
      concurrency: [{ limit: 2, key: 'event.data.userId', scope: 'account' }, { limit: 50, scope: 'fn' }],
      throttle: { limit: 2, periodMs: 6_000, burst: 3, key: 'event.data.userId' },
      rateLimit: { limit: 1, periodMs: 5_400_000, key: 'event.data.id' },
      debounce: { periodMs: 5_000, timeoutMs: 60_000 },
      priority: { run: 'event.data.priority' },
      timeouts: { startMs: 60_000, finishMs: 7_200_000 },
    })
  })

  it('keeps batchEvents, singleton and idempotency as given', () => {
    expect(normalizeFlowControl({ batchEvents: { maxSize: 100, timeout: '5s', key: 'event.data.userId', if: 'event.data.ok' } }).batchEvents)
      .toStrictEqual({ maxSize: 100, timeoutMs: 5_000, key: 'event.data.userId', if: 'event.data.ok' })
    expect(normalizeFlowControl({ singleton: { mode: 'cancel' }, idempotency: 'event.data.orderId' }))
      .toStrictEqual({ concurrency: [], singleton: { mode: 'cancel' }, idempotency: 'event.data.orderId' })
  })

  it('drops a concurrency limit of 0, which means no limit', () => {
    expect(normalizeFlowControl({ concurrency: 0 }).concurrency).toEqual([])
    expect(normalizeFlowControl({ concurrency: [{ limit: 0 }, { limit: 3, key: '"ai"', scope: 'env' }] }).concurrency)
      .toStrictEqual([{ limit: 3, key: '"ai"', scope: 'env' }])
  })

  it('leaves out priority without run', () => {
    expect(normalizeFlowControl({ priority: {} })).toStrictEqual({ concurrency: [] })
  })

  it('reaches the registered function through createFunction, and not its onFailure function', () => {
    const app = new Inngest({ id: 'flow-normalised' })
    const fn = app.createFunction({ id: 'f', concurrency: 5, debounce: { period: '5s' }, onFailure: () => undefined }, EVENT, () => 1)
    expect(fn.options.flow).toStrictEqual({ concurrency: [{ limit: 5, scope: 'fn' }], debounce: { periodMs: 5_000 } })
    // Inngest registers onFailure as a function of its own, without the parent's flow control.
    expect(findFunction(failureHandlerId(fn.compositeId))?.options.flow).toStrictEqual({ concurrency: [] })
  })
})
