/**
 * Middleware through the real queue and Durable Objects: v3 `InngestMiddleware`, v4 classes and
 * `dependencyInjectionMiddleware`, once per pass or once per run as the official SDK calls them;
 * `referenceFunction` and `invoke(schema)`; v3 hooks the official SDK lacks are refused at `new Inngest`.
 */
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { cron, Inngest, InngestMiddleware, invoke, Middleware, dependencyInjectionMiddleware, referenceFunction, type StepTools } from '../../src/index.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'
import { mwChild, mwClient } from '../fixtures/middleware-functions.js'

const rawStub = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

describe('middleware on a run', () => {
  it('injects ctx, transforms step output and sent events, and calls each hook once per pass or per run', async () => {
    const label = uniqueLabel('mw')
    const runId = await trigger('mw/steps', { label }, 'mw-mw-steps')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await runDurableObjectAlarm(rawStub(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ greeting: 'hello', fromV3: `v3:${label}`, fromV4: 'v4', doubled: 42, sent: [`${label}-announced`] })
    // transformOutput ran inside the step: the memoized output is the transformed one.
    expect(run.steps[0]).toMatchObject({ id: 'doubled', output: 42 })
    // Two passes: per-pass hooks twice, per-run hooks once.
    expect(hits(`v3:beforeMemoization:${label}`)).toBe(2)
    expect(hits(`v3:afterMemoization:${label}`)).toBe(2)
    expect(hits(`v3:beforeExecution:${label}`)).toBe(2)
    expect(hits(`v4:onMemoizationEnd:${label}`)).toBe(2)
    await expect.poll(() => hits(`v3:afterExecution:${label}`)).toBe(2)
    await expect.poll(() => hits(`v3:beforeResponse:${label}`)).toBe(2)
    expect(hits(`v4:onRunStart:${label}`)).toBe(1)
    expect(hits(`v3:finished:data:${label}`)).toBe(1)
    expect(hits(`v4:onRunComplete:${label}:${JSON.stringify(run.output)}`)).toBe(1)
    // step.sendEvent went through v3 onSendEvent and v4 transformSendEvent.
    const sent = (await (await request(`/v1/events/${label}-announced`, { headers: AUTH })).json()) as { data: { data: Record<string, unknown> } }
    expect(sent.data.data).toEqual({ label, v3: true, v4: true })
  })

  it('reports a non-retriable failure as final to onRunError and finished', async () => {
    const label = uniqueLabel('mw-fail')
    const runId = await trigger('mw/fails', { label }, 'mw-mw-fails')
    await waitForRun(runId, (r) => r.status === 'Failed')
    expect(hits(`v4:onRunError:${label}:NonRetriableError:true`)).toBe(1)
    expect(hits(`v3:finished:error:${label}`)).toBe(1)
  })

  it('sends through the middleware with inngest.send', async () => {
    const id = uniqueLabel('mw-send')
    await mwClient.send({ name: 'mw/other', data: { label: id }, id })
    const stored = (await (await request(`/v1/events/${id}`, { headers: AUTH })).json()) as { data: { data: Record<string, unknown> } }
    expect(stored.data.data).toEqual({ label: id, v3: true, v4: true })
  })
})

describe('referenceFunction and invoke(schema)', () => {
  it('invokes a referenced function, of this app or named by appId, validating its data', async () => {
    const runId = await trigger('mw/parent', { label: uniqueLabel('parent') }, 'mw-mw-parent')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toEqual({ local: { squared: 9 }, remote: { squared: 16 } })
  })
})

describe('unsupported middleware', () => {
  it('accepts a v4 class with step and request hooks (test/src/middleware-step-hooks.test.ts runs them)', () => {
    class Tracing extends Middleware.BaseMiddleware {
      readonly id = 'tracing'
      override async wrapStep({ next }: Middleware.WrapStepArgs) {
        return next()
      }
      override async wrapRequest({ next }: Middleware.WrapRequestArgs) {
        return next()
      }
    }
    expect(() => new Inngest({ id: 'mw-step-hooks-v4', middleware: [Tracing] })).not.toThrow()
  })

  it('refuses an unknown v3 init hook at construction, and an unknown onFunctionRun hook on the run', () => {
    const bad = new InngestMiddleware({ name: 'bad', init: () => ({ onFunctionRun: () => ({}), onSomething: () => {} }) as any })
    expect(() => new Inngest({ id: 'mw-refused-v3', middleware: [bad] })).toThrow(/^middleware "bad": hook "init\.onSomething" is not supported yet/)
  })
})

describe('client options', () => {
  it('accepts every official option that is meaningless here', () => {
    expect(
      () =>
        new Inngest({
          id: 'mw-options',
          name: 'Options',
          isDev: true,
          appVersion: 'abc123',
          env: 'branch',
          signingKey: 'signkey-test-00',
          signingKeyFallback: 'signkey-test-01',
          checkpointing: { maxRuntime: '10s', bufferedSteps: 2 },
          experimentalCheckpointing: true,
          optimizeParallelism: false,
          aiMetadata: false,
          sessionPropagation: false,
          internalLogger: console,
          fetch: fetch.bind(globalThis),
        }),
    ).not.toThrow()
  })

  it.each([
    [{ sessionPropagation: true }, /^new Inngest\(\{ sessionPropagation \}\): event sessions are not propagated/],
    [{ endpointAdapter: {} }, /^new Inngest\(\{ endpointAdapter \}\): Durable Endpoints/],
    [{ fetchh: fetch }, /^new Inngest\(\{ fetchh \}\): "fetchh" is not an option/],
    [{ baseUrl: 'not a url' }, /^new Inngest\(\{ baseUrl \}\): baseUrl is not a URL/],
  ])('refuses %o with a TypeError naming the option', (extra, message) => {
    expect(() => new Inngest({ id: 'mw-bad-option', ...(extra as object) } as any)).toThrow(message)
  })

  it('sends over HTTP with the client fetch, env header and dev-mode key', async () => {
    const calls: { url: string; headers: Headers }[] = []
    const client = new Inngest({
      id: 'mw-http',
      baseUrl: 'https://inngest.example.com',
      isDev: true,
      env: 'preview',
      fetch: async (input, init) => {
        calls.push({ url: String(input), headers: new Headers(init?.headers) })
        return Response.json({ ids: ['x'], status: 200 })
      },
    })
    expect(await client.send({ name: 'mw/http', data: {} })).toEqual({ ids: ['x'] })
    expect(calls[0]!.url).toBe('https://inngest.example.com/e/NO_EVENT_KEY_SET')
    expect(calls[0]!.headers.get('x-inngest-env')).toBe('preview')
    const strict = new Inngest({ id: 'mw-http-strict', baseUrl: 'https://inngest.example.com', isDev: false, fetch: async () => Response.json({}) })
    await expect(strict.send({ name: 'mw/http', data: {} })).rejects.toThrow(/isDev is false and no eventKey is set/)
  })
})

describe('types', () => {
  it('types what middleware adds to the handler input', () => {
    const database = { query: (sql: string) => sql.length }
    const typed = new Inngest({
      id: 'mw-types',
      middleware: [
        dependencyInjectionMiddleware({ db: database }),
        new InngestMiddleware({ name: 'v3', init: () => ({ onFunctionRun: () => ({ transformInput: () => ({ ctx: { tenant: 'acme' } }) }) }) }),
      ],
    })
    // Created for its types only: nothing sends this event.
    typed.createFunction({ id: 'typed-ctx', triggers: [{ event: 'mw-types/never-sent' }] }, async ({ db, tenant, event }) => {
      expectTypeOf(db).toEqualTypeOf<{ query: (sql: string) => number }>()
      expectTypeOf(tenant).toEqualTypeOf<string>()
      expectTypeOf(event.name).toEqualTypeOf<'mw-types/never-sent'>()
    })
    const plain = new Inngest({ id: 'mw-types-plain' })
    // @ts-expect-error without middleware nothing is injected
    plain.createFunction({ id: 'untyped-ctx', triggers: [{ event: 'mw-types/never-sent' }] }, async ({ db }) => db)
  })

  it('types referenceFunction, cron and invoke as the official v4 does', () => {
    expectTypeOf(cron('0 9 * * *')).toEqualTypeOf<{ cron: '0 9 * * *' }>()
    expectTypeOf(invoke(z.object({ n: z.number() })).name).toEqualTypeOf<'inngest/function.invoked'>()
    const step = null as unknown as StepTools<{}>
    const typedRef = referenceFunction<typeof mwChild>({ functionId: 'mw-child' })
    const schemaRef = referenceFunction({ functionId: 'charge', appId: 'billing', schemas: { data: z.object({ amount: z.number() }), return: z.object({ ok: z.boolean() }) } })
    if (Math.random() > 2) {
      expectTypeOf(step.invoke('a', { function: typedRef, data: { n: 1 } })).resolves.toEqualTypeOf<{ squared: number }>()
      expectTypeOf(step.invoke('b', { function: schemaRef, data: { amount: 1 } })).resolves.toEqualTypeOf<{ ok: boolean }>()
      // @ts-expect-error data is required and typed by the schema
      void step.invoke('c', { function: schemaRef })
      // @ts-expect-error amount must be a number
      void step.invoke('d', { function: schemaRef, data: { amount: '1' } })
    }
  })
})
