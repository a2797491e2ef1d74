import { describe, expect, it } from 'vitest'
import { assertMaxSleep, durationToMs, MAX_SLEEP_MS, wakeTimeToMs } from '../../actors/engine/duration'
import { ConfigError } from '../../src/config/config-error'
import { DEFAULT_RETRY_POLICY, normalizeFunctionConfig } from '../../src/config/normalize-function-config'

const EVENT = { event: 'shop/order.placed' }

function configErrorOf(config: unknown, triggers: unknown): ConfigError {
  try {
    normalizeFunctionConfig(config, triggers)
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

function fnWith(options: Record<string, unknown>): Record<string, unknown> {
  return { id: 'process-order', ...options }
}

describe('normalizeFunctionConfig rejects bad config', () => {
  it('words the error as "createFunction <id>: <field> <problem>. Fix: <fix>."', () => {
    const error = configErrorOf(fnWith({ retries: 25 }), EVENT)
    expect(error.message).toBe(
      'createFunction "process-order": retries must be an integer from 0 to 20 (got 25). ' +
        'Fix: use a number of retries between 0 and 20, or { attempts, backoff, maxDelay }.',
    )
    expect(error.name).toBe('TypeError')
    expect(error.field).toBe('retries')
    expect(error.fix).toBe('use a number of retries between 0 and 20, or { attempts, backoff, maxDelay }')
  })

  it('leaves the function id out when the id itself is bad', () => {
    expect(configErrorOf({ id: 'Process Order' }, EVENT).message).toMatch(/^createFunction: id is not a valid slug/)
  })

  const cases: ReadonlyArray<[string, unknown, unknown, string, string]> = [
    // [case, config, triggers, field, fix substring]
    ['config is null', null, EVENT, 'config', 'pass options such as'],
    ['config is an array', [], EVENT, 'config', 'pass options such as'],
    ['config is a string', 'process-order', EVENT, 'config', 'pass options such as'],
    ['id is missing', {}, EVENT, 'id', 'use a slug such as "process-order"'],
    ['id is empty', { id: '' }, EVENT, 'id', 'use a slug'],
    ['id is a number', { id: 42 }, EVENT, 'id', 'use a slug'],
    ['id has spaces', { id: 'process order' }, EVENT, 'id', 'letters, digits'],
    ['id starts with a dash', { id: '-order' }, EVENT, 'id', 'starting with a letter or digit'],
    ['id is longer than 128 characters', { id: 'a'.repeat(129) }, EVENT, 'id', 'use a slug'],
    ['name is empty', fnWith({ name: '' }), EVENT, 'name', 'use a display name'],
    ['description is not a string', fnWith({ description: 5 }), EVENT, 'description', 'plain-text description'],
    ['onFailure is not a function', fnWith({ onFailure: 'notify' }), EVENT, 'onFailure', 'pass a handler'],
    ['an option is misspelled', fnWith({ retry: 3 }), EVENT, 'retry', 'rename it to "retries"'],
    ['an option is unknown', fnWith({ colour: 'red' }), EVENT, 'colour', 'accepted keys are id, name'],
    ['retries is above 20', fnWith({ retries: 21 }), EVENT, 'retries', 'between 0 and 20'],
    ['retries is negative', fnWith({ retries: -1 }), EVENT, 'retries', 'between 0 and 20'],
    ['retries is fractional', fnWith({ retries: 2.5 }), EVENT, 'retries', 'between 0 and 20'],
    ['retries is a string', fnWith({ retries: '3' }), EVENT, 'retries', '{ attempts, backoff, maxDelay }'],
    ['retries.attempts is 0', fnWith({ retries: { attempts: 0 } }), EVENT, 'retries.attempts', '1 (never retry) to 21'],
    ['retries.attempts is above 21', fnWith({ retries: { attempts: 22 } }), EVENT, 'retries.attempts', 'to 21'],
    ['retries.backoff is unknown', fnWith({ retries: { backoff: 'random' } }), EVENT, 'retries.backoff', 'use one of "exponential", "linear", "fixed"'],
    ['retries has a misspelled key', fnWith({ retries: { maxdelay: '1m' } }), EVENT, 'retries.maxdelay', 'rename it to "maxDelay"'],
    ['retries has an unknown key', fnWith({ retries: { max: 3 } }), EVENT, 'retries.max', 'accepted keys are attempts, backoff'],
    ['retries.initialInterval is not a duration', fnWith({ retries: { initialInterval: '5x' } }), EVENT, 'retries.initialInterval', '"1h30m"'],
    ['retries.maxDelay is negative', fnWith({ retries: { maxDelay: -5 } }), EVENT, 'retries.maxDelay', 'number of milliseconds'],
    ['retries.maxInterval is not a duration', fnWith({ retries: { maxInterval: true } }), EVENT, 'retries.maxInterval', '"30s"'],
    ['retries.maxDelay is over 365 days', fnWith({ retries: { maxDelay: '400d' } }), EVENT, 'retries.maxDelay', '"365d"'],
    ['retries sets maxDelay and maxInterval', fnWith({ retries: { maxDelay: '1m', maxInterval: '2m' } }), EVENT, 'retries.maxInterval', 'keep only retries.maxDelay'],
    ['retries.initialInterval exceeds maxDelay', fnWith({ retries: { initialInterval: '2h' } }), EVENT, 'retries.initialInterval', 'raise retries.maxDelay'],
    ['limits is not an object', fnWith({ limits: 1000 }), EVENT, 'limits', '{ steps?: 1000'],
    ['limits.steps is 0', fnWith({ limits: { steps: 0 } }), EVENT, 'limits.steps', 'from 1 to 100000'],
    ['limits.steps is above 100000', fnWith({ limits: { steps: 100_001 } }), EVENT, 'limits.steps', 'from 1 to 100000'],
    ['limits.stepOutputBytes is above 16 MiB', fnWith({ limits: { stepOutputBytes: 16 * 1024 * 1024 + 1 } }), EVENT, 'limits.stepOutputBytes', '16 MiB'],
    ['limits has an unknown key', fnWith({ limits: { maxSteps: 5 } }), EVENT, 'limits.maxSteps', 'accepted keys are steps, stepOutputBytes'],
    ['triggers are missing', fnWith({}), undefined, 'triggers', 'add triggers'],
    ['triggers is an empty array', fnWith({}), [], 'triggers', '{ cron: "0 9 * * *" }'],
    ['there are 11 triggers', fnWith({}), Array.from({ length: 11 }, (_, i) => `app/e${i}`), 'triggers', 'up to 10'],
    ['a trigger is a number', fnWith({}), ['app/a', 42], 'triggers[1]', '{ event: "app/user.created", if? }'],
    ['a trigger has no event or cron', fnWith({}), { name: 'app/a' }, 'triggers', '{ cron: "0 9 * * *" }'],
    ['a trigger has both event and cron', fnWith({}), [{ event: 'app/a', cron: '0 9 * * *' }], 'triggers[0]', 'split it into two triggers'],
    ['an event name is empty', fnWith({}), { event: '' }, 'triggers.event', 'use an event name'],
    ['an event name is not a string', fnWith({}), [{ event: 7 }], 'triggers[0].event', 'use an event name'],
    ['an event name has surrounding spaces', fnWith({}), 'app/a ', 'triggers', 'remove the surrounding spaces'],
    ['an event name is over 256 bytes', fnWith({}), 'é'.repeat(129), 'triggers', 'shorter event name'],
    ['a wildcard is mid-name', fnWith({}), 'app/*/created', 'triggers', '"app/*" or "app/user.*"'],
    ['a wildcard is part of a segment', fnWith({}), 'app/user*', 'triggers', '"app/*" or "app/user.*"'],
    ['a wildcard is the whole name', fnWith({}), '*', 'triggers', '"app/*" or "app/user.*"'],
    ['an if is not a string', fnWith({}), [{ event: 'app/a', if: true }], 'triggers[0].if', 'CEL expression'],
    ['a cron has 4 fields', fnWith({}), { cron: '0 9 * *' }, 'triggers.cron', '"0 9 * * *"'],
    ['a cron has 7 fields', fnWith({}), [{ cron: '0 0 9 * * * 2030' }], 'triggers[0].cron', 'optionally prefixed with a zone: "TZ=Europe/Paris 0 9 * * *"'],
    ['a cron has a bad time zone', fnWith({}), { cron: 'TZ=Europe/* 0 9 * * *' }, 'triggers.cron', 'IANA zone'],
    ['a cron descriptor is unknown', fnWith({}), { cron: '@fortnightly' }, 'triggers.cron', '@daily'],
    ['a cron field is out of range', fnWith({}), [{ cron: '61 * * * *' }], 'triggers[0].cron', '"0 9 * * *"'],
    ['a cron time zone is unknown', fnWith({}), { cron: 'TZ=Mars/Olympus 0 9 * * *' }, 'triggers.cron', 'IANA zone'],
    ['a cron never fires', fnWith({}), { cron: '0 0 30 2 *' }, 'triggers.cron', 'February 30'],
    ['an if does not parse', fnWith({}), [{ event: 'app/a', if: 'event.data.plan ==' }], 'triggers[0].if', 'write a CEL boolean'],
    ['an if names an unknown variable', fnWith({}), ['app/a', { event: 'app/b', if: "evnt.data.plan == 'pro'" }], 'triggers[1].if', 'such as "event.data.plan == \'pro\'"'],
    ['a concurrency key does not parse', fnWith({ concurrency: { limit: 5, key: 'event.data.' } }), EVENT, 'concurrency.key', 'such as "event.data.userId"'],
    ['a second concurrency key does not parse', fnWith({ concurrency: [{ limit: 5 }, { limit: 1, key: 'event.data.id ==' }] }), EVENT, 'concurrency[1].key', 'CEL expression over event'],
    ['a throttle key does not parse', fnWith({ throttle: { limit: 1, period: '1m', key: 'event.data.user id' } }), EVENT, 'throttle.key', 'CEL expression over event'],
    ['a rateLimit key does not parse', fnWith({ rateLimit: { limit: 1, period: '1h', key: "event.data['id'" } }), EVENT, 'rateLimit.key', 'CEL expression over event'],
    ['a debounce key does not parse', fnWith({ debounce: { period: '5m', key: 'event.data.id +' } }), EVENT, 'debounce.key', 'CEL expression over event'],
    ['a batchEvents key does not parse', fnWith({ batchEvents: { maxSize: 10, timeout: '5s', key: '(event.data.id' } }), EVENT, 'batchEvents.key', 'CEL expression over event'],
    ['a batchEvents if does not parse', fnWith({ batchEvents: { maxSize: 10, timeout: '5s', if: "event.data.plan = 'pro'" } }), EVENT, 'batchEvents.if', 'write a CEL boolean'],
    ['a singleton key does not parse', fnWith({ singleton: { mode: 'skip', key: 'event..data' } }), EVENT, 'singleton.key', 'CEL expression over event'],
    ['priority.run does not parse', fnWith({ priority: { run: "event.data.plan == 'vip' ? 120" } }), EVENT, 'priority.run', 'CEL expression over event'],
    ['idempotency does not parse', fnWith({ idempotency: 'event.data.orderId +' }), EVENT, 'idempotency', 'CEL expression over event'],
    ['a cancelOn if does not parse', fnWith({ cancelOn: [{ event: 'app/x', if: 'async.data.id == event.data.id &&' }] }), EVENT, 'cancelOn[0].if', 'write a CEL boolean'],
    ['a cancelOn match is not a path', fnWith({ cancelOn: [{ event: 'app/x', match: 'data.id == 1' }] }), EVENT, 'cancelOn[0].match', 'dotted path present on both events'],
    ['timeouts.start is not a duration', fnWith({ timeouts: { start: '5x' } }), EVENT, 'timeouts.start', '"30s"'],
    ['timeouts.finish is negative', fnWith({ timeouts: { finish: -1 } }), EVENT, 'timeouts.finish', '"5m"'],
    ['timeouts has an unknown key', fnWith({ timeouts: { finsh: '1h' } }), EVENT, 'timeouts.finsh', 'rename it to "finish"'],
    ['throttle.period is missing', fnWith({ throttle: { limit: 1 } }), EVENT, 'throttle.period', '"30s"'],
    ['throttle.period is not a duration', fnWith({ throttle: { limit: 1, period: 'soon' } }), EVENT, 'throttle.period', '"1h30m"'],
    ['throttle.limit is 0', fnWith({ throttle: { limit: 0, period: '1m' } }), EVENT, 'throttle.limit', 'runs may start per period'],
    ['rateLimit.period is empty', fnWith({ rateLimit: { limit: 1, period: '' } }), EVENT, 'rateLimit.period', '"30s"'],
    ['debounce.period is NaN', fnWith({ debounce: { period: Number.NaN } }), EVENT, 'debounce.period', 'number of milliseconds'],
    ['debounce.timeout is not a duration', fnWith({ debounce: { period: '5m', timeout: '1 fortnight' } }), EVENT, 'debounce.timeout', '"2d"'],
    ['batchEvents.timeout is not a duration', fnWith({ batchEvents: { maxSize: 10, timeout: '5 secs later' } }), EVENT, 'batchEvents.timeout', '"30s"'],
    ['batchEvents.maxSize is missing', fnWith({ batchEvents: { timeout: '5s' } }), EVENT, 'batchEvents.maxSize', 'most events one run receives'],
    ['concurrency is negative', fnWith({ concurrency: -1 }), EVENT, 'concurrency', 'use a number such as 10'],
    ['concurrency lists 3 limits', fnWith({ concurrency: [1, 2, 3] }), EVENT, 'concurrency', 'use one limit, or two'],
    ['concurrency.limit is a string', fnWith({ concurrency: { limit: 'ten' } }), EVENT, 'concurrency.limit', 'e.g. 10'],
    ['concurrency has an unknown key', fnWith({ concurrency: { limit: 5, keys: 'event.data.id' } }), EVENT, 'concurrency.keys', 'rename it to "key"'],
    ['concurrency scope is unknown', fnWith({ concurrency: [{ limit: 5, scope: 'global' }] }), EVENT, 'concurrency[0].scope', '"fn", "env", "account"'],
    ['concurrency scope env has no key', fnWith({ concurrency: { limit: 5, scope: 'env' } }), EVENT, 'concurrency.key', 'or use scope "fn"'],
    ['cancelOn is not an array', fnWith({ cancelOn: { event: 'app/x' } }), EVENT, 'cancelOn', 'use an array such as'],
    ['cancelOn has 6 entries', fnWith({ cancelOn: Array.from({ length: 6 }, () => ({ event: 'app/x' })) }), EVENT, 'cancelOn', '5 cancellation events or fewer'],
    ['a cancelOn entry has no event', fnWith({ cancelOn: [{ match: 'data.id' }] }), EVENT, 'cancelOn[0].event', 'event that cancels the run'],
    ['a cancelOn timeout is not a duration', fnWith({ cancelOn: [{ event: 'app/x', timeout: '1y2' }] }), EVENT, 'cancelOn[0].timeout', '"1w"'],
    ['idempotency is not a string', fnWith({ idempotency: 5 }), EVENT, 'idempotency', 'CEL expression'],
    ['singleton.mode is unknown', fnWith({ singleton: { mode: 'queue' } }), EVENT, 'singleton.mode', '"skip", "cancel"'],
  ]

  it.each(cases)('names the field and the fix when %s', (_case, config, triggers, field, fix) => {
    const error = configErrorOf(config, triggers)
    expect(error.field).toBe(field)
    expect(error.fix).toContain(fix)
    expect(error.message).toContain(`: ${field} `)
    expect(error.message).toContain(`Fix: ${error.fix}.`)
  })
})

describe('normalizeFunctionConfig checks CEL expressions and crons', () => {
  it('words a bad if with the field, the parser problem and the fix', () => {
    const error = configErrorOf(fnWith({}), [{ event: 'app/a', if: 'event.data.plan ==' }])
    expect(error.message).toBe(
      'createFunction "process-order": triggers[0].if "event.data.plan ==" is not a valid CEL expression (Unexpected token: EOF at column 19). ' +
        'Fix: write a CEL boolean over event (and async for waits and cancellations), such as "event.data.plan == \'pro\'".',
    )
  })

  it('words a bad cron with the field, the parser problem and the fix', () => {
    const error = configErrorOf(fnWith({}), { cron: 'TZ=Europe/Paris 0 25 * * *' })
    expect(error.field).toBe('triggers.cron')
    expect(error.problem).toBe('is not a valid cron expression (Invalid value for hour: 25; got "TZ=Europe/Paris 0 25 * * *")')
  })

  it('accepts valid expressions in every CEL field', () => {
    // Three configs, since batchEvents, singleton and idempotency each exclude some of the others.
    const configs = [
      fnWith({
        concurrency: [{ limit: 5, key: 'event.data.userId' }, { limit: 50, key: '"tenant-" + event.data.tenantId', scope: 'env' }],
        throttle: { limit: 10, period: '1m', key: 'event.data.userId' },
        rateLimit: { limit: 1, period: '1h', key: 'event.data.userId' },
        debounce: { period: '5m', key: 'event.data.userId' },
        priority: { run: "event.data.plan == 'enterprise' ? 120 : 0" },
        cancelOn: [{ event: 'app/order.cancelled', match: 'data.orderId' }, { event: 'app/user.deleted', if: 'async.data.userId == event.data.userId' }],
      }),
      fnWith({ batchEvents: { maxSize: 10, timeout: '5s', key: 'event.data.userId', if: 'event.data.amount > 100' } }),
      fnWith({ singleton: { mode: 'skip', key: 'event.data.userId' }, idempotency: 'event.data.orderId' }),
    ]
    const triggers = [{ event: 'app/a', if: "event.data.plan == 'pro' && size(event.data.items) > 0" }, { cron: 'TZ=Europe/Paris 0 9 * * *' }]
    for (const config of configs) expect(normalizeFunctionConfig(config, triggers).triggers).toEqual(triggers)
  })
})

describe('normalizeFunctionConfig normalises good config', () => {
  it('applies the defaults: name from id, 3 exponential attempts, default limits', () => {
    expect(normalizeFunctionConfig({ id: 'process-order' }, EVENT)).toEqual({
      id: 'process-order',
      name: 'process-order',
      triggers: [EVENT],
      retry: { attempts: 3, backoff: 'exponential', initialDelayMs: 1_000, maxDelayMs: 3_600_000 },
      limits: { maxSteps: 1_000, maxStepOutputBytes: 4 * 1024 * 1024 },
      flow: { concurrency: [] },
      cancelOn: [],
    })
  })

  it('turns a number of retries into retries + 1 attempts with the default backoff', () => {
    expect(normalizeFunctionConfig(fnWith({ retries: 5 }), EVENT).retry).toEqual({ ...DEFAULT_RETRY_POLICY, attempts: 6 })
    expect(normalizeFunctionConfig(fnWith({ retries: 0 }), EVENT).retry.attempts).toBe(1)
    expect(normalizeFunctionConfig(fnWith({ retries: 20 }), EVENT).retry.attempts).toBe(21)
  })

  it('reads the object form of retries, compound durations included', () => {
    const retries = { attempts: 5, backoff: 'linear', initialInterval: '1m30s', maxDelay: '1h30m' }
    expect(normalizeFunctionConfig(fnWith({ retries }), EVENT).retry).toEqual({
      attempts: 5,
      backoff: 'linear',
      initialDelayMs: 90_000,
      maxDelayMs: 5_400_000,
    })
  })

  it('fills the object form from defaults and accepts maxInterval as an alias of maxDelay', () => {
    expect(normalizeFunctionConfig(fnWith({ retries: {} }), EVENT).retry).toEqual(DEFAULT_RETRY_POLICY)
    expect(normalizeFunctionConfig(fnWith({ retries: { backoff: 'fixed', maxInterval: '2h' } }), EVENT).retry).toEqual({
      ...DEFAULT_RETRY_POLICY,
      backoff: 'fixed',
      maxDelayMs: 7_200_000,
    })
  })

  it('keeps a given name and reads limits', () => {
    const options = normalizeFunctionConfig(fnWith({ name: 'Process order', limits: { steps: 50, stepOutputBytes: 1024 } }), EVENT)
    expect(options.name).toBe('Process order')
    expect(options.limits).toEqual({ maxSteps: 50, maxStepOutputBytes: 1024 })
  })

  it('reads a string trigger as an event name', () => {
    expect(normalizeFunctionConfig(fnWith({}), 'app/user.created').triggers).toEqual([{ event: 'app/user.created' }])
  })

  it('reads an array of event and cron triggers, keeping if and dropping extra keys', () => {
    const triggers = [
      'app/a',
      { event: 'app/b', if: "event.data.plan == 'pro'", schema: { '~standard': {} } },
      { cron: 'TZ=Europe/Paris 0 12 * * 5' },
      { cron: '0 0 9 * * *' },
      { cron: '@daily' },
    ]
    expect(normalizeFunctionConfig(fnWith({}), triggers).triggers).toEqual([
      { event: 'app/a' },
      { event: 'app/b', if: "event.data.plan == 'pro'" },
      { cron: 'TZ=Europe/Paris 0 12 * * 5' },
      { cron: '0 0 9 * * *' },
      { cron: '@daily' },
    ])
  })

  it('uses config.triggers when no trigger is passed separately', () => {
    expect(normalizeFunctionConfig(fnWith({ triggers: { cron: '*/5 * * * *' } }), undefined).triggers).toEqual([{ cron: '*/5 * * * *' }])
  })

  it('accepts a wildcard as the whole last segment after "/" or "."', () => {
    expect(normalizeFunctionConfig(fnWith({}), ['app/*', 'app/user.*']).triggers).toEqual([{ event: 'app/*' }, { event: 'app/user.*' }])
  })

  it('accepts well-formed flow-control options', () => {
    const config = fnWith({
      concurrency: [{ limit: 5, key: 'event.data.userId', scope: 'env' }, 100],
      throttle: { limit: 2, period: '6s', burst: 1 },
      rateLimit: { limit: 1, period: '1h30m', key: 'event.data.id' },
      debounce: { period: '5m', timeout: '1h' },
      cancelOn: [{ event: 'shop/order.cancelled', match: 'data.orderId', timeout: '7d' }],
      timeouts: { start: '1m', finish: 60_000 },
      priority: { run: 'event.data.priority' },
      description: 'Charges and ships an order',
      onFailure: () => undefined,
    })
    expect(normalizeFunctionConfig(config, EVENT).id).toBe('process-order')
    const batched = fnWith({ batchEvents: { maxSize: 100, timeout: '5s', if: 'event.data.ok' }, concurrency: 10, throttle: { limit: 1, period: '1s' } })
    expect(normalizeFunctionConfig(batched, EVENT).flow?.batchEvents).toEqual({ maxSize: 100, timeoutMs: 5_000, if: 'event.data.ok' })
    const singleton = fnWith({ idempotency: 'event.data.orderId', singleton: { mode: 'skip', key: 'event.data.userId' } })
    expect(normalizeFunctionConfig(singleton, EVENT).flow?.singleton).toEqual({ mode: 'skip', key: 'event.data.userId' })
  })
})

describe('durationToMs', () => {
  it.each([
    [1500, 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    ['100', 100],
    ['1h30m', 5_400_000],
    ['1d 2h', 93_600_000],
    ['2 minutes 30 seconds', 150_000],
  ] as const)('reads %j as %d ms', (input, expected) => {
    expect(durationToMs(input, 'step.sleep')).toBe(expected)
  })

  it.each([
    ['5x', 'is not a valid duration'],
    ['', 'must not be an empty string'],
    ['   ', 'must not be an empty string'],
    ['-5s', 'must not be negative'],
    [-1, 'must not be negative'],
    [Number.NaN, 'must be a finite number'],
    [Number.POSITIVE_INFINITY, 'must be a finite number'],
    ['1h30', 'is not a valid duration'],
    ['1h,30m', 'is not a valid duration'],
    [null, 'must be a duration (got null)'],
    [true, 'must be a duration (got true)'],
    [{ seconds: 5 }, 'must be a duration (got an object)'],
  ] as const)('rejects %j naming the field', (input, problem) => {
    expect(() => durationToMs(input, 'step.sleep')).toThrow(TypeError)
    expect(() => durationToMs(input, 'step.sleep')).toThrow(`step.sleep ${problem}`)
  })

  it('rejects durations longer than 365 days', () => {
    expect(assertMaxSleep(MAX_SLEEP_MS, 'step.sleep')).toBe(MAX_SLEEP_MS)
    expect(() => assertMaxSleep(MAX_SLEEP_MS + 1, 'step.sleep')).toThrow('step.sleep must be at most 365 days')
  })
})

describe('wakeTimeToMs', () => {
  it('reads a Date, an ISO string and epoch ms', () => {
    const at = Date.UTC(2030, 0, 1, 9)
    expect(wakeTimeToMs(new Date(at), 'step.sleepUntil')).toBe(at)
    expect(wakeTimeToMs('2030-01-01T09:00:00Z', 'step.sleepUntil')).toBe(at)
    expect(wakeTimeToMs(at, 'step.sleepUntil')).toBe(at)
  })

  it.each([
    [new Date(Number.NaN), 'is an invalid Date'],
    ['next tuesday', 'is not a valid date'],
    [-1, 'must be epoch milliseconds'],
    [Number.NaN, 'must be epoch milliseconds'],
    [undefined, 'must be a point in time'],
  ] as const)('rejects %j naming the field', (input, problem) => {
    expect(() => wakeTimeToMs(input, 'step.sleepUntil')).toThrow(TypeError)
    expect(() => wakeTimeToMs(input, 'step.sleepUntil')).toThrow(`step.sleepUntil ${problem}`)
  })
})
