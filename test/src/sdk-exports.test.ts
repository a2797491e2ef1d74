/// <reference types="vite/client" />
/**
 * The official SDK's utilities, subpaths and names, as an app uses them: each utility gives the
 * same output as the official one (imported from `inngest`) on the same inputs; subpaths load
 * through the package's `exports`; `EventSchemas.fromZod` types events without validating them.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { z as z3 } from 'zod/v3'
import * as official from 'inngest'
import { frameworkName as officialCloudflareName } from 'inngest/cloudflare'
import { frameworkName as officialHonoName } from 'inngest/hono'
import { err as officialErr, ok as officialOk } from 'inngest/types'
import {
  ConsoleLogger,
  EventSchemas,
  Inngest,
  InngestFunction,
  ProxyLogger,
  durationToMs,
  internalEvents,
  isInngest,
  isInngestFunction,
  serializeError,
  slugify,
  version,
  wrapStringFirstLogger,
  type Logger,
} from '@dotdo/inngest'
import { extendedTracesMiddleware, getAsyncCtx, InngestSpanProcessor } from '@dotdo/inngest/experimental'
import { serve as cloudflareServe, frameworkName as cloudflareName } from '@dotdo/inngest/cloudflare'
import { frameworkName as honoName, serve } from '@dotdo/inngest/hono'
import { err, logLevels, ok } from '@dotdo/inngest/types'
import { createStepTools } from '@dotdo/inngest/components/InngestStepTools'
import { InngestFunction as DeepInngestFunction } from '@dotdo/inngest/components/InngestFunction'
import { Inngest as DeepInngest } from '@dotdo/inngest/components/Inngest'
import { ConsoleLogger as DeepConsoleLogger } from '@dotdo/inngest/middleware/logger'
import { uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, waitForRun } from '../fixtures/runs.js'

const packageJson = Object.values(import.meta.glob('../../package.json', { query: '?raw', import: 'default', eager: true }))[0] as string

/** What `run` returned or threw, to compare two implementations on one input. */
function outcome<T>(run: () => T): { value: T } | { error: string; name: string } {
  try {
    return { value: run() }
  } catch (error) {
    return { error: (error as Error).message, name: error instanceof Error ? 'Error' : typeof error }
  }
}

describe('the official utilities, same output on the same input', () => {
  it('durationToMs parses what the official one parses and refuses what it refuses, with its message', () => {
    const temporal = (fields: { years?: number; months?: number; weeks?: number; ms: number }) => ({
      [Symbol.toStringTag]: 'Temporal.Duration',
      years: fields.years ?? 0,
      months: fields.months ?? 0,
      weeks: fields.weeks ?? 0,
      total: () => fields.ms,
    })
    const inputs: unknown[] = [
      1, 1500, '30s', '5m', '1h', '2d', '1w', '1.5h', '1h30m', '1h 30m', '1 hour 30 minutes', ' 10s ', '100',
      0, -5, 1.5, Number.NaN, Infinity, 2 ** 60, '', 'soon', '1h30', '-1h', '0s', null, undefined, {}, [], true,
      temporal({ ms: 5_000 }), temporal({ months: 1, ms: 1 }), temporal({ ms: 0.5 }),
    ]
    for (const input of inputs) {
      expect(outcome(() => durationToMs(input)), String(input)).toEqual(outcome(() => official.durationToMs(input)))
    }
    expect(outcome(() => durationToMs('nope', { name: 'throttle.period' }))).toEqual(outcome(() => official.durationToMs('nope', { name: 'throttle.period' })))
    expect(() => durationToMs('nope')).toThrow(TypeError)
  })

  it('serializeError writes errors, causes, non-errors and already serialized errors as the official one does', () => {
    const circular: Record<string, unknown> = { a: 1 }
    circular.self = circular
    circular.nested = { back: circular }
    const withCode = Object.assign(new Error('denied'), { code: 'EACCES' })
    const chained = new Error('outer', { cause: new TypeError('middle', { cause: 'root cause' }) })
    const deep = [1, 2, 3, 4, 5, 6, 7].reduce<Error>((cause, n) => new Error(`level ${n}`, { cause }), new Error('bottom'))
    const alreadySerialized = official.serializeError(new RangeError('once'))
    const inputs: unknown[] = [
      new Error('boom'), new TypeError('bad type'), withCode, chained, deep, new official.NonRetriableError('stop'),
      'a string', 42, null, undefined, true, { message: 'looks like an error' }, { a: 1, b: [2, 3] }, circular,
      { big: 10n, kept: 'yes' }, [1, 'two'], alreadySerialized, JSON.stringify(alreadySerialized), '{"not":"serialized"}',
    ]
    for (const input of inputs) {
      expect(serializeError(input), String(input)).toEqual(official.serializeError(input))
      expect(serializeError(input, true), String(input)).toEqual(official.serializeError(input, true))
    }
  })

  it('slugify gives the same ids', () => {
    for (const text of ['Send Welcome Email', 'already-slugged', '  spaced  out  ', 'Ünïcödé & symbols!!', '--a--b--', 'CamelCase123', '', '___']) {
      expect(slugify(text), text).toBe(official.slugify(text))
    }
  })

  it('internalEvents names the same events', () => {
    expect({ ...internalEvents }).toEqual({ ...official.internalEvents })
  })

  it('isInngest and isInngestFunction recognise this SDK’s client and functions, and nothing else', () => {
    const client = new Inngest({ id: uniqueLabel('guards') })
    const fn = client.createFunction({ id: 'guarded' }, { event: 'sdk-exports/guarded' }, () => 'ok')
    expect([isInngest(client), isInngest(fn), isInngestFunction(fn), isInngestFunction(client)]).toEqual([true, false, true, false])
    // On values that are neither, both SDKs answer false…
    for (const value of [{}, 'inngest', 42, () => {}, { [Symbol.toStringTag]: 'Other' }]) {
      expect([isInngest(value), isInngestFunction(value)]).toEqual([official.isInngest(value), official.isInngestFunction(value)])
    }
    // …and where the official guard throws (null, undefined), this one answers false.
    expect(() => official.isInngest(null)).toThrow(TypeError)
    expect([isInngest(null), isInngest(undefined), isInngestFunction(null)]).toEqual([false, false, false])
  })

  it('version is this package’s version', () => {
    expect(version).toBe((JSON.parse(packageJson) as { version: string }).version)
  })

  it('ok and err from /types build the same results', () => {
    for (const value of [1, 'x', null, { a: 1 }]) {
      expect(ok(value)).toEqual(officialOk(value))
      expect(err(value)).toEqual(officialErr(value))
    }
    expect(err()).toEqual(officialErr())
    expect(logLevels).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'silent'])
  })

  it('frameworkName is the official adapter’s', () => {
    expect(honoName).toBe(officialHonoName)
    expect(cloudflareName).toBe(officialCloudflareName)
  })
})

describe('the official loggers, same calls on the same input', () => {
  type Call = [string, ...unknown[]]

  /** The console calls `use` makes, level by level. */
  function consoleCalls(use: () => void): Call[] {
    const calls: Call[] = []
    const spies = (['info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void calls.push([level, ...args])))
    try {
      use()
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
    return calls
  }

  /** A logger recording its calls. */
  function recorder(withDebug = true): { logger: Logger & { flush?: () => void; child: () => string; level: string }; calls: Call[] } {
    const calls: Call[] = []
    const write = (level: string) => (...args: unknown[]) => void calls.push([level, ...args])
    const logger = {
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      debug: withDebug ? write('debug') : (undefined as never),
      flush: () => void calls.push(['flush']),
      child: () => 'child logger',
      level: 'trace',
    }
    return { logger, calls }
  }

  const logEverything = (logger: Logger) => {
    logger.debug('debugging', 1)
    logger.info('hello')
    logger.info({ requestId: 'r1', err: new Error('inside') }, 'with fields', 'extra')
    logger.info({ requestId: 'r2' }, 'fields only')
    logger.warn({ onlyFields: true })
    logger.warn('careful', { after: true })
    logger.error(new Error('failed'))
  }

  it.each([undefined, 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const)('ConsoleLogger at level %s writes what the official one writes', (level) => {
    const options = level === undefined ? undefined : { level }
    expect(consoleCalls(() => logEverything(new ConsoleLogger(options)))).toEqual(consoleCalls(() => logEverything(new official.ConsoleLogger(options))))
  })

  it('ProxyLogger passes calls only while enabled, reads through to the wrapped logger, and flushes it', async () => {
    type Proxied = Logger & { enable(): void; disable(): void; flush(): Promise<void> }
    const scenario = async (wrap: (logger: Logger) => Proxied) => {
      const { logger, calls } = recorder()
      const proxy = wrap(logger)
      logEverything(proxy)
      proxy.enable()
      logEverything(proxy)
      proxy.disable()
      proxy.info('dropped')
      await proxy.flush()
      const readThrough = [(proxy as unknown as { child(): string }).child(), (proxy as unknown as { level: string }).level]
      const bare = recorder(false)
      const noDebug = wrap(bare.logger)
      noDebug.enable()
      noDebug.debug('no debug method')
      noDebug.info('still logs')
      await noDebug.flush()
      return { calls, readThrough, bare: bare.calls }
    }
    expect(await scenario((logger) => new ProxyLogger(logger))).toEqual(await scenario((logger) => new official.ProxyLogger(logger)))
  })

  it('wrapStringFirstLogger turns Pino-style calls around as the official one does', () => {
    const scenario = (wrap: (logger: Logger) => Logger) => {
      const { logger, calls } = recorder()
      logEverything(wrap(logger))
      return calls
    }
    expect(scenario(wrapStringFirstLogger)).toEqual(scenario(official.wrapStringFirstLogger))
  })
})

describe('fn.id', () => {
  const client = new Inngest({ id: 'sdk-exports' })
  const fn = client.createFunction({ id: 'identified' }, { event: 'sdk-exports/identified' }, () => 'ok')
  const officialFn = new official.Inngest({ id: 'sdk-exports' }).createFunction({ id: 'identified', triggers: [{ event: 'sdk-exports/identified' }] }, () => 'ok')

  it('is callable as the official fn.id(prefix?)', () => {
    for (const prefix of [undefined, '', 'sdk-exports', 'other-app']) expect(fn.id(prefix), String(prefix)).toBe(officialFn.id(prefix))
    expect(fn.id(client.id)).toBe(fn.compositeId)
  })

  it('reads as the id where it is used as text', () => {
    expect(`${fn.id}`).toBe('identified')
    expect(String(fn.id)).toBe('identified')
    expect(() => serve({ client: new Inngest({ id: 'sdk-exports-other' }), functions: [fn] })).toThrow('serve: function "identified" belongs to app "sdk-exports"')
  })
})

describe('EventSchemas.fromZod', () => {
  const zodClient = new Inngest({
    id: 'sdk-zod',
    schemas: new EventSchemas()
      .fromZod({ 'sdk-zod/user.created': { data: z.object({ id: z.string(), plan: z.enum(['free', 'pro']) }) } })
      .fromZod([z3.object({ name: z3.literal('sdk-zod/user.deleted'), data: z3.object({ id: z3.string() }) })]),
  })
  const welcome = zodClient.createFunction({ id: 'welcome' }, { event: 'sdk-zod/user.created' }, async ({ event, step }) => {
    return step.run('greet', () => `welcome ${event.data.id} on ${event.data.plan}`)
  })

  it('types the events; a run gets the data as sent', async () => {
    const { ids } = await zodClient.send({ name: 'sdk-zod/user.created', data: { id: uniqueLabel('user'), plan: 'pro' } })
    const run = await waitForRun(await runIdFor(ids[0]!, welcome.compositeId), (r) => r.status === 'Completed')
    expect(run.output).toMatch(/^welcome user-.* on pro$/)
  })

  it('does not validate, as the official SDK does not: data the schema refuses is sent and delivered', async () => {
    const { ids } = await zodClient.send({ name: 'sdk-zod/user.created', data: { id: 7, plan: 'enterprise' } as never })
    const run = await waitForRun(await runIdFor(ids[0]!, welcome.compositeId), (r) => r.status === 'Completed')
    expect(run.output).toBe('welcome 7 on enterprise')
  })

  it("exposes them on the client where the official validation middleware reads them (client['schemas'].runtimeSchemas)", () => {
    const kept = (zodClient as unknown as { schemas: { runtimeSchemas: Record<string, unknown> } }).schemas.runtimeSchemas
    expect(Object.keys(kept).sort()).toEqual(['sdk-zod/user.created', 'sdk-zod/user.deleted'])
  })

  it('keeps the schemas by event name, as the official runtimeSchemas', () => {
    const schemas = new EventSchemas().fromZod([z.object({ name: z.literal('a/one'), data: z.object({ n: z.number() }), user: z.object({}) })]).fromZod({ 'a/two': { data: z.object({}) } })
    const kept = (schemas as unknown as { runtimeSchemas: Record<string, Record<string, unknown>> }).runtimeSchemas
    expect(Object.keys(kept)).toEqual(['a/one', 'a/two'])
    expect(Object.keys(kept['a/one']!)).toEqual(['data', 'user'])
  })

  it('refuses a literal schema without a literal name, naming its index and the fix', () => {
    expect(() => new EventSchemas().fromZod([z.object({ data: z.object({}) }) as never])).toThrow(
      /^EventSchemas\.fromZod: schemas\[0\] has no literal name\. Fix: declare it as z\.object\(\{ name: z\.literal\('app\/event'\)/,
    )
  })
})

describe('subpath imports', () => {
  it('@dotdo/inngest/experimental: extendedTracesMiddleware adds a tracer whose spans record nothing', async () => {
    const traced = new Inngest({ id: 'sdk-traces', middleware: [extendedTracesMiddleware()] })
    const fn = traced.createFunction({ id: 'traced' }, { event: 'sdk-traces/run' }, async ({ event, step, tracer }) => {
      const counted = await tracer.startActiveSpan('count', async (span) => {
        span.setAttribute('label', event.data.label as string).addEvent('counting')
        const result = await step.run('count', () => 3)
        span.end()
        return { result, recording: span.isRecording(), traceId: span.spanContext().traceId }
      })
      tracer.startSpan('detached').end()
      return counted
    })
    const { ids } = await traced.send({ name: 'sdk-traces/run', data: { label: uniqueLabel('traced') } })
    const run = await waitForRun(await runIdFor(ids[0]!, fn.compositeId), (r) => r.status === 'Completed')
    expect(run.output).toEqual({ result: 3, recording: false, traceId: '0'.repeat(32) })
  })

  it('@dotdo/inngest/experimental: what is not supported throws a TypeError naming what to do', async () => {
    expect(() => new InngestSpanProcessor({})).toThrow(/InngestSpanProcessor is not supported by @dotdo\/inngest.*Fix: remove it from your span processors/)
    await expect(getAsyncCtx()).rejects.toThrow(/getAsyncCtx is not supported by @dotdo\/inngest\. Fix: pass what you need from the handler's input/)
  })

  it('@dotdo/inngest/cloudflare: serve throws a TypeError with the Hono setup to use', () => {
    const client = new Inngest({ id: 'sdk-cloudflare' })
    expect(() => cloudflareServe({ client, functions: [] })).toThrow(TypeError)
    expect(() => cloudflareServe({ client, functions: [] })).toThrow(/Fix: import \{ serve, inngestRoutes \} from '@dotdo\/inngest\/hono'.*export default \{ fetch: app\.fetch, queue: routeEvents \}/)
  })

  it('v3 deep imports reach the same classes as the root; createStepTools names the step to use', () => {
    expect(DeepInngestFunction).toBe(InngestFunction)
    expect(DeepInngest).toBe(Inngest)
    expect(DeepConsoleLogger).toBe(ConsoleLogger)
    expect(() => createStepTools()).toThrow(/createStepTools is internal to the SDK.*Fix: use the `step` your handler receives/)
  })
})

describe('client methods of the official SDK that do not apply here', () => {
  it('endpoint() and setEnvVars() throw a TypeError naming the alternative, as the official ones exist', () => {
    const client = new Inngest({ id: 'unsupported-methods' })
    expect(typeof new official.Inngest({ id: 'x' }).setEnvVars).toBe('function')
    expect(() => client.endpoint(async () => 'x')).toThrow(TypeError)
    expect(() => client.endpoint(async () => 'x')).toThrow(/Durable Endpoints are not supported.*Fix: make the work a function/)
    expect(() => client.setEnvVars({ INNGEST_EVENT_KEY: 'k' })).toThrow(/Fix: pass eventKey, baseUrl or isDev/)
  })
})
