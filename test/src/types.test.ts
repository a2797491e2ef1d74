/**
 * Type-level tests: `npx tsc --noEmit` checks every `expectTypeOf` and `@ts-expect-error` here.
 * Handlers are only created, never run; the runtime assertions are trivially true.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  EventSchemas,
  Inngest,
  InngestFunction,
  NonRetriableError,
  RetryAfterError,
  type GetEvents,
  type GetFunctionOutput,
  type Jsonify,
  type ReceivedEvent,
  type ScheduledTimerEvent,
  type StepTools,
} from '../../src/index.js'

type Events = {
  'types/user.created': { data: { userId: string; plan: 'free' | 'pro' } }
  'types/user.deleted': { data: { userId: string; reason?: string } }
  'types-shop/order.placed': { data: { orderId: string; total: number } }
}

type UserCreated = ReceivedEvent<'types/user.created', { userId: string; plan: 'free' | 'pro' }>
type UserDeleted = ReceivedEvent<'types/user.deleted', { userId: string; reason?: string }>
type OrderPlaced = ReceivedEvent<'types-shop/order.placed', { orderId: string; total: number }>

const inngest = new Inngest({ id: 'types-app', schemas: new EventSchemas().fromRecord<Events>() })
let fnCount = 0
/** A fresh function id: createFunction rejects a repeated id on the same client. */
const id = () => `types-fn-${++fnCount}`

/**
 * Type checks only, never called: createFunction registers into the worker-wide registry that
 * other tests route events through, and the step tools below are a typed stand-in.
 */
function typesOnly(check: () => void): void {
  void check
}

describe('handler events', () => {
  it('types event.data from the trigger', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, { event: 'types/user.created' }, async ({ event, events }) => {
        expectTypeOf(event).toEqualTypeOf<UserCreated>()
        expectTypeOf(event.data.userId).toEqualTypeOf<string>()
        expectTypeOf(event.data.plan).toEqualTypeOf<'free' | 'pro'>()
        expectTypeOf(event.id).toEqualTypeOf<string>()
        expectTypeOf(event.ts).toEqualTypeOf<number>()
        expectTypeOf(events).toEqualTypeOf<readonly [UserCreated, ...UserCreated[]]>()
        expectTypeOf(events[0]).toEqualTypeOf<UserCreated>()
        // @ts-expect-error no such field on a typed event
        void event.data.email
      })
    }))

  it('accepts the string shorthand trigger', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, 'types-shop/order.placed', async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<OrderPlaced>()
      })
    }))

  it('gives a union for several triggers, narrowed by name', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, [{ event: 'types/user.created' }, { event: 'types-shop/order.placed' }], async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<UserCreated | OrderPlaced>()
        if (event.name === 'types-shop/order.placed') expectTypeOf(event.data.total).toEqualTypeOf<number>()
        // @ts-expect-error only on one member of the union
        void event.data.total
      })
    }))

  it('gives the union of matching typed events for a wildcard trigger', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, { event: 'types/user.*' }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<UserCreated | UserDeleted>()
        expectTypeOf(event.data.userId).toEqualTypeOf<string>()
      })
      inngest.createFunction({ id: id() }, { event: 'types/*' }, async ({ event }) => {
        expectTypeOf(event.name).toEqualTypeOf<'types/user.created' | 'types/user.deleted'>()
      })
    }))

  it('gives an open event for a wildcard that matches no known event', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, { event: 'billing/*' }, async ({ event }) => {
        expectTypeOf(event.name).toEqualTypeOf<`billing/${string}`>()
        expectTypeOf(event.data).toEqualTypeOf<Record<string, any>>()
      })
    }))

  it('gives inngest/scheduled.timer to cron triggers', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, { cron: '0 9 * * *' }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<ScheduledTimerEvent>()
        expectTypeOf(event.name).toEqualTypeOf<'inngest/scheduled.timer'>()
        expectTypeOf(event.data.cron).toEqualTypeOf<string>()
      })
      inngest.createFunction({ id: id() }, [{ cron: '0 9 * * *' }, { event: 'types/user.deleted' }], async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<ScheduledTimerEvent | UserDeleted>()
      })
    }))

  it('allows events the schemas do not name, with open data', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, { event: 'legacy/thing' }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<ReceivedEvent<'legacy/thing', Record<string, any>>>()
      })
    }))

  it('types events on a client without schemas as open', () =>
    typesOnly(() => {
      const plain = new Inngest({ id: 'plain-app' })
      plain.createFunction({ id: id() }, { event: 'any/thing' }, async ({ event }) => {
        expectTypeOf(event.name).toEqualTypeOf<'any/thing'>()
        expectTypeOf(event.data).toEqualTypeOf<Record<string, any>>()
      })
    }))

  it('accepts schemas declared as an interface or a union', () =>
    typesOnly(() => {
      interface AsInterface {
        'iface/ping': { data: { n: number } }
      }
      type AsUnion = { name: 'union/a'; data: { a: string } } | { name: 'union/b'; data: { b: boolean } }
      const client = new Inngest({ id: 'schemas-app', schemas: new EventSchemas().fromRecord<AsInterface>().fromUnion<AsUnion>() })
      client.createFunction({ id: id() }, [{ event: 'iface/ping' }, { event: 'union/*' }], async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<ReceivedEvent<'iface/ping', { n: number }> | ReceivedEvent<'union/a', { a: string }> | ReceivedEvent<'union/b', { b: boolean }>>()
      })
      // @ts-expect-error event data must be an object
      new EventSchemas().fromRecord<{ 'bad/data': { data: string } }>()
    }))
})

describe('createFunction call shapes', () => {
  it('types the v4 form ({ ...config, triggers }, handler) like the v3 form', () =>
    typesOnly(() => {
      const v3 = inngest.createFunction({ id: id() }, [{ event: 'types/user.created' }, 'types-shop/order.placed'], async ({ event }) => event.name)
      const v4 = inngest.createFunction({ id: id(), triggers: [{ event: 'types/user.created' }, 'types-shop/order.placed'] }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<UserCreated | OrderPlaced>()
        return event.name
      })
      expectTypeOf(v4).toEqualTypeOf(v3)
      inngest.createFunction({ id: id(), triggers: { cron: '* * * * *' } }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<ScheduledTimerEvent>()
      })
    }))

  it('rejects calls that cannot work', () => {
    // @ts-expect-error v3 form without a handler
    expect(() => inngest.createFunction({ id: id() }, { event: 'types/user.created' })).toThrow()
    // @ts-expect-error v4 form without triggers
    expect(() => inngest.createFunction({ id: id() }, async () => undefined)).toThrow()
    // @ts-expect-error retries is a number or a policy
    expect(() => inngest.createFunction({ id: id(), retries: 'x' }, { event: 'types/user.created' }, async () => undefined)).toThrow()
    // @ts-expect-error a trigger is an event or a cron
    expect(() => inngest.createFunction({ id: id() }, { name: 'types/user.created' }, async () => undefined)).toThrow()
    // @ts-expect-error id is required
    expect(() => inngest.createFunction({ name: 'no id' }, { event: 'types/user.created' }, async () => undefined)).toThrow()
  })

  it('carries the output type on InngestFunction', () =>
    typesOnly(() => {
      const fn = inngest.createFunction({ id: id() }, { event: 'types-shop/order.placed' }, async ({ event }) => ({ total: event.data.total, at: new Date() }))
      expectTypeOf(fn).toMatchTypeOf<InngestFunction<unknown, OrderPlaced, { total: number; at: Date }>>()
      expectTypeOf<NonNullable<(typeof fn)['__types']>['output']>().toEqualTypeOf<{ total: number; at: Date }>()
      expectTypeOf<GetFunctionOutput<typeof fn>>().toEqualTypeOf<{ total: number; at: string }>()
      const sync = inngest.createFunction({ id: id() }, { event: 'types-shop/order.placed' }, () => 42)
      expectTypeOf<GetFunctionOutput<typeof sync>>().toEqualTypeOf<number>()
    }))

  it('hands onFailure the error and the failed run', () =>
    typesOnly(() => {
      inngest.createFunction(
        {
          id: id(),
          onFailure: async ({ error, event }) => {
            expectTypeOf(error).toEqualTypeOf<Error>()
            expectTypeOf(event.name).toEqualTypeOf<'inngest/function.failed'>()
            expectTypeOf(event.data.run_id).toEqualTypeOf<string>()
            expectTypeOf(event.data.function_id).toEqualTypeOf<string>()
            expectTypeOf(event.data.error.message).toEqualTypeOf<string>()
            expectTypeOf(event.data.event).toEqualTypeOf<UserCreated>()
          },
        },
        { event: 'types/user.created' },
        async () => undefined,
      )
      inngest.createFunction(
        {
          id: id(),
          triggers: { event: 'types-shop/order.placed' },
          onFailure: ({ event }) => expectTypeOf(event.data.event).toEqualTypeOf<OrderPlaced>(),
        },
        async () => undefined,
      )
    }))
})

describe('step tools', () => {
  type Step = StepTools<Events>
  /** A typed stand-in: only used inside `typesOnly`. */
  const step = {} as Step
  const run = <T>(fn: () => T) => step.run('id', fn)

  it('resolves step.run to the JSON round-tripped result', () =>
    typesOnly(() => {
      expectTypeOf(run(() => 'x' as const)).resolves.toEqualTypeOf<'x'>()
      expectTypeOf(run(() => new Date())).resolves.toEqualTypeOf<string>()
      expectTypeOf(run(() => undefined)).resolves.toEqualTypeOf<null>()
      expectTypeOf(run(() => {})).resolves.toEqualTypeOf<null>()
      expectTypeOf(run(async () => {})).resolves.toEqualTypeOf<null>()
      expectTypeOf(run(async () => 1)).resolves.toEqualTypeOf<number>()
      expectTypeOf(run((): string | undefined => undefined)).resolves.toEqualTypeOf<string | null>()
      expectTypeOf(run(() => ({ a: 1, f: () => {} }))).resolves.toEqualTypeOf<{ a: number }>()
      expectTypeOf(run(() => new Map<string, number>())).resolves.toEqualTypeOf<{}>()
      expectTypeOf(run(() => new Set([1]))).resolves.toEqualTypeOf<{}>()
      expectTypeOf(run(() => [new Date()])).resolves.toEqualTypeOf<string[]>()
      expectTypeOf(run(() => [1, 'a', undefined] as [number, string, undefined])).resolves.toEqualTypeOf<[number, string, null]>()
      expectTypeOf(run(() => [undefined, () => 1])).resolves.toEqualTypeOf<null[]>()
    }))

  it('drops undefined and function keys and keeps nested shapes', () => {
    type Input = {
      at: Date
      nested: { when: Date; list: Array<{ n: number; skip?: undefined }>; gone: undefined }
      maybe?: string
      either: string | undefined
      orFn: string | (() => void)
      method(): void
      [Symbol.iterator]?: () => void
    }
    expectTypeOf<Jsonify<Input>>().toEqualTypeOf<{
      at: string
      nested: { when: string; list: Array<{ n: number }> }
      maybe?: string
      either?: string
      orFn?: string
    }>()
    expectTypeOf<Jsonify<{ readonly r: readonly Date[] }>>().toEqualTypeOf<{ readonly r: readonly string[] }>()
    expectTypeOf<Jsonify<Record<string, Date>>>().toEqualTypeOf<Record<string, string>>()
    expectTypeOf<Jsonify<{ a: Date | null }>>().toEqualTypeOf<{ a: string | null }>()
  })

  it('follows recursive types', () => {
    type Tree = { label: string; createdAt: Date; children: Tree[] }
    type JsonTree = Jsonify<Tree>
    expectTypeOf<JsonTree['createdAt']>().toEqualTypeOf<string>()
    expectTypeOf<JsonTree['children'][number]['children'][number]['createdAt']>().toEqualTypeOf<string>()
    type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
    expectTypeOf<Jsonify<Json>>().toMatchTypeOf<Json>()
  })

  it('keeps any and unknown, and drops what JSON cannot hold', () => {
    expectTypeOf<Jsonify<any>>().toBeAny()
    expectTypeOf<Jsonify<unknown>>().toBeUnknown()
    expectTypeOf<Jsonify<{ a: any }>>().toEqualTypeOf<{ a: any }>()
    expectTypeOf<Jsonify<bigint>>().toBeNever()
    expectTypeOf<Jsonify<Number>>().toEqualTypeOf<number>()
    expectTypeOf<Jsonify<{ toJSON(): { d: Date } }>>().toEqualTypeOf<{ d: string }>()
    class Point {
      #secret = 1
      constructor(readonly x: number) {}
      norm(): number {
        return this.x + this.#secret
      }
    }
    expectTypeOf<Jsonify<Point>>().toEqualTypeOf<{ readonly x: number }>()
  })

  it('types extra step.run arguments from the callback', () =>
    typesOnly(() => {
      expectTypeOf(step.run('id', (a: number, b: string) => `${a}${b}`, 1, 'x')).resolves.toEqualTypeOf<string>()
      // @ts-expect-error the arguments must match the callback's parameters
      void step.run('id', (a: number, b: string) => `${a}${b}`, 'x', 1)
      // @ts-expect-error a missing argument
      void step.run('id', (a: number) => a)
      // @ts-expect-error the step needs a callback
      void step.run('id', 42)
      expectTypeOf(step.run({ id: 'object-id', name: 'Readable' }, () => 1)).resolves.toEqualTypeOf<number>()
    }))

  it('types sleeps as Promise<void>', () =>
    typesOnly(() => {
      expectTypeOf(step.sleep('nap', '1h')).toEqualTypeOf<Promise<void>>()
      expectTypeOf(step.sleep('nap', 1000)).toEqualTypeOf<Promise<void>>()
      expectTypeOf(step.sleepUntil('until', new Date())).toEqualTypeOf<Promise<void>>()
      // @ts-expect-error a duration is a number or an ms string
      void step.sleep('nap', { hours: 1 })
    }))

  it('resolves waitForEvent to the typed event or null', () =>
    typesOnly(() => {
      expectTypeOf(step.waitForEvent('wait', { event: 'types-shop/order.placed', timeout: '1d' })).resolves.toEqualTypeOf<OrderPlaced | null>()
      expectTypeOf(step.waitForEvent('wait', { event: 'other/event', timeout: 5000, match: 'data.id' })).resolves.toEqualTypeOf<ReceivedEvent<'other/event'> | null>()
      // @ts-expect-error timeout is required
      void step.waitForEvent('wait', { event: 'types-shop/order.placed' })
      // @ts-expect-error match and if exclude each other, as in the official SDK
      void step.waitForEvent('wait', { event: 'other/event', timeout: '1h', match: 'data.id', if: 'async.data.ok' })
      // @ts-expect-error the event is a name or an eventType
      void step.waitForEvent('wait', { event: { name: 'other/event' }, timeout: '1h' })
    }))

  it('types step.sendEvent by the client events', () =>
    typesOnly(() => {
      expectTypeOf(step.sendEvent('send', { name: 'types-shop/order.placed', data: { orderId: 'o1', total: 3 } })).toEqualTypeOf<Promise<{ ids: string[] }>>()
      void step.sendEvent({ id: 'send', name: 'Readable' }, [
        { name: 'types/user.created', data: { userId: 'u1', plan: 'pro' }, id: 'dedupe' },
        { name: 'unknown/event', data: { anything: 1 } },
      ])
      // @ts-expect-error wrong data for a known event
      void step.sendEvent('send', { name: 'types/user.created', data: { userId: 'u1', plan: 'enterprise' } })
      // @ts-expect-error data is required for a known event
      void step.sendEvent('send', { name: 'types-shop/order.placed' })
      // @ts-expect-error one bad event in a batch
      void step.sendEvent('send', [{ name: 'types-shop/order.placed', data: { orderId: 'o1', total: 3 } }, { name: 'types/user.deleted', data: {} }])
      // @ts-expect-error name is required
      void step.sendEvent('send', { data: {} })
    }))

  it('hands the handler the client-typed step tools', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, { event: 'types/user.created' }, async ({ step: tools, runId, attempt }) => {
        expectTypeOf(tools).toEqualTypeOf<Step>()
        expectTypeOf(runId).toEqualTypeOf<string>()
        expectTypeOf(attempt).toEqualTypeOf<number>()
        const order = await tools.waitForEvent('order', { event: 'types-shop/order.placed', timeout: '1h' })
        if (order) expectTypeOf(order.data.total).toEqualTypeOf<number>()
        await tools.sendEvent('notify', { name: 'types/user.deleted', data: { userId: 'u1', reason: 'asked' } })
        // @ts-expect-error the handler's step.sendEvent is typed by the client too
        await tools.sendEvent('notify', { name: 'types/user.deleted', data: { reason: 'asked' } })
      })
    }))
})

describe('send', () => {
  // Typed calls only: nothing is actually sent.
  const send = inngest.send.bind(inngest)

  it('accepts known events with typed data, and other names with any data', () => {
    expectTypeOf(send).returns.resolves.toEqualTypeOf<{ ids: string[] }>()
    const calls = () => {
      void send({ name: 'types/user.created', data: { userId: 'u1', plan: 'pro' } })
      void send([
        { name: 'types/user.created', data: { userId: 'u1', plan: 'free' }, id: 'dedupe-1' },
        { name: 'types-shop/order.placed', data: { orderId: 'o1', total: 3 }, ts: 1 },
      ])
      void send({ name: 'types/user.deleted', data: { userId: 'u1' } })
      void send({ name: 'unknown/event', data: { anything: [1, 2] } })
      void send({ name: 'unknown/event' })
      const dynamic: string = 'runtime/name'
      void send({ name: dynamic, data: { x: 1 } })
    }
    expectTypeOf(calls).toBeFunction()
  })

  it('rejects known events with missing or wrongly shaped data', () => {
    const calls = () => {
      // @ts-expect-error wrong field for app/user.created
      void send({ name: 'types/user.created', data: { orderId: 'o1' } })
      // @ts-expect-error wrong value type
      void send({ name: 'types/user.created', data: { userId: 'u1', plan: 'enterprise' } })
      // @ts-expect-error data is required for a known event
      void send({ name: 'types-shop/order.placed' })
      // @ts-expect-error one bad event in a batch
      void send([{ name: 'types/user.created', data: { userId: 'u1', plan: 'pro' } }, { name: 'types-shop/order.placed', data: { orderId: 1, total: 1 } }])
      // @ts-expect-error data is an object
      void send({ name: 'unknown/event', data: 'text' })
      // @ts-expect-error name is required
      void send({ data: {} })
    }
    expectTypeOf(calls).toBeFunction()
  })

  it('names the client events with GetEvents', () => {
    type Sendable = GetEvents<typeof inngest>
    expectTypeOf<Sendable['types-shop/order.placed']['data']>().toEqualTypeOf<{ orderId: string; total: number }>()
    expectTypeOf<Sendable['types-shop/order.placed']['name']>().toEqualTypeOf<'types-shop/order.placed'>()
    const event: Sendable['types/user.deleted'] = { name: 'types/user.deleted', data: { userId: 'u' } }
    expectTypeOf(() => send(event)).toBeFunction()
  })
})

describe('errors', () => {
  it('constructs NonRetriableError and RetryAfterError as in the official SDK', () => {
    expectTypeOf(NonRetriableError).constructorParameters.toEqualTypeOf<[message: string, options?: { cause?: unknown }]>()
    expectTypeOf(RetryAfterError).constructorParameters.toEqualTypeOf<[message: string, retryAfter: number | string | Date, options?: { cause?: unknown }]>()
    expectTypeOf(new RetryAfterError('slow down', '30s').retryAfter).toEqualTypeOf<number | string | Date>()
    expectTypeOf(new NonRetriableError('bad')).toMatchTypeOf<Error>()
    // @ts-expect-error retryAfter is required
    void (() => new RetryAfterError('slow down'))
    // @ts-expect-error retryAfter is a duration or a Date
    void (() => new RetryAfterError('slow down', { seconds: 30 }))
  })
})
