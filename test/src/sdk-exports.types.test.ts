/**
 * Type-level tests of the official names and subpaths: `npx tsc --noEmit` checks every
 * `expectTypeOf` and `@ts-expect-error` here, written as apps write them. Handlers are only
 * created inside `typesOnly`, never registered or run.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { z as z3 } from 'zod/v3'
import {
  EventSchemas,
  Inngest,
  dependencyInjectionMiddleware,
  internalEvents,
  type BaseContext,
  type Context,
  type FailureEventArgs,
  type FunctionFailedEvent,
  type GetEvents,
  type GetFunctionInput,
  type GetStepTools,
  type Handler,
  type HandlerContext,
  type ReceivedEvent,
  type ScheduledTimerEventPayload,
  type StepTools,
} from '@dotdo/inngest'
import { extendedTracesMiddleware, type Tracer } from '@dotdo/inngest/experimental'
import type { Context as TypesContext, FailureEventArgs as TypesFailureEventArgs, Result } from '@dotdo/inngest/types'
import { createStepTools, type GetStepTools as DeepGetStepTools } from '@dotdo/inngest/components/InngestStepTools'
import type { AnyInngest } from '@dotdo/inngest/components/Inngest'
import type { Jsonify, JsonValue } from '@dotdo/inngest/helpers/jsonify'
import type { Logger } from '@dotdo/inngest/middleware/logger'

/** Type checks only, never called: createFunction would register into the worker-wide registry. */
function typesOnly(check: () => void): void {
  void check
}

const inngest = new Inngest({
  id: 'sdk-types',
  schemas: new EventSchemas().fromZod({
    'app/user.created': { data: z.object({ id: z.string(), plan: z.enum(['free', 'pro']), seats: z.number().optional() }) },
    'app/order.placed': { data: z.object({ orderId: z.string(), total: z.number() }) },
  }),
  middleware: [dependencyInjectionMiddleware({ db: { query: (sql: string) => sql.length } })],
})

type UserCreated = ReceivedEvent<'app/user.created', { id: string; plan: 'free' | 'pro'; seats?: number | undefined }>
type OrderPlaced = ReceivedEvent<'app/order.placed', { orderId: string; total: number }>
type Events = { 'app/user.created': { data: UserCreated['data'] }; 'app/order.placed': { data: OrderPlaced['data'] } }

describe('EventSchemas.fromZod types events as the official v3 SDK does', () => {
  it('types event.data in handlers from each schema’s output', () =>
    typesOnly(() => {
      inngest.createFunction({ id: 'welcome' }, { event: 'app/user.created' }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<UserCreated>()
        // @ts-expect-error no such field in the schema
        void event.data.email
      })
    }))

  it('types inngest.send: declared events need their data', () =>
    typesOnly(() => {
      void inngest.send({ name: 'app/user.created', data: { id: 'u1', plan: 'pro' } })
      // @ts-expect-error plan is 'free' or 'pro'
      void inngest.send({ name: 'app/user.created', data: { id: 'u1', plan: 'enterprise' } })
      // @ts-expect-error data is required
      void inngest.send({ name: 'app/order.placed' })
      expectTypeOf<GetEvents<typeof inngest>['app/order.placed']['data']>().toEqualTypeOf<OrderPlaced['data']>()
    }))

  it('takes literal Zod objects, of Zod 3 or 4, and chains with the other forms', () =>
    typesOnly(() => {
      const client = new Inngest({
        id: 'sdk-types-literal',
        schemas: new EventSchemas()
          .fromZod([
            z.object({ name: z.literal('lit/a'), data: z.object({ a: z.string() }) }),
            z3.object({ name: z3.literal('lit/b'), data: z3.object({ b: z3.boolean() }) }),
          ])
          .fromRecord<{ 'rec/c': { data: { c: number } } }>()
          .fromZod({ 'any/d': { data: z.any() } }),
      })
      client.createFunction({ id: 'lit' }, [{ event: 'lit/a' }, { event: 'lit/b' }, { event: 'rec/c' }], async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<ReceivedEvent<'lit/a', { a: string }> | ReceivedEvent<'lit/b', { b: boolean }> | ReceivedEvent<'rec/c', { c: number }>>()
      })
      client.createFunction({ id: 'any' }, { event: 'any/d' }, async ({ event }) => expectTypeOf(event.data).toBeAny())
    }))

  it('refuses data that is not an object, as the official SDK does', () =>
    typesOnly(() => {
      // @ts-expect-error event data must be an object schema
      new EventSchemas().fromZod({ 'bad/data': { data: z.string() } })
    }))
})

describe('type helpers keyed on the client', () => {
  it('GetStepTools is the step a handler receives, to pass to helpers', () =>
    typesOnly(() => {
      const chargeCustomer = async (step: GetStepTools<typeof inngest>, orderId: string) => step.run('charge', () => ({ orderId, charged: true }))
      inngest.createFunction({ id: 'charge' }, { event: 'app/order.placed' }, async ({ event, step }) => {
        expectTypeOf(step).toEqualTypeOf<GetStepTools<typeof inngest>>()
        expectTypeOf(step).toEqualTypeOf<StepTools<Events>>()
        expectTypeOf(await chargeCustomer(step, event.data.orderId)).toEqualTypeOf<{ orderId: string; charged: boolean }>()
      })
      expectTypeOf<GetStepTools<typeof inngest, 'app/user.created'>>().toEqualTypeOf<GetStepTools<typeof inngest>>()
      expectTypeOf<DeepGetStepTools<typeof inngest>>().toEqualTypeOf<GetStepTools<typeof inngest>>()
      expectTypeOf<ReturnType<typeof createStepTools<typeof inngest>>>().toEqualTypeOf<GetStepTools<typeof inngest>>()
    }))

  it('GetFunctionInput is a handler’s input, middleware additions included, typed by a trigger', () =>
    typesOnly(() => {
      type Input = GetFunctionInput<typeof inngest, 'app/user.created'>
      expectTypeOf<Input['event']>().toEqualTypeOf<UserCreated>()
      expectTypeOf<Input['db']['query']>().toEqualTypeOf<(sql: string) => number>()
      expectTypeOf<GetFunctionInput<typeof inngest>['event']>().toEqualTypeOf<UserCreated | OrderPlaced>()
      expectTypeOf<GetFunctionInput<Inngest<{ id: 'plain' }>>['event']>().toEqualTypeOf<ReceivedEvent>()
      inngest.createFunction({ id: 'input' }, { event: 'app/user.created' }, async (ctx) => {
        const reuse = (input: Input) => input.event.data.plan
        return reuse(ctx)
      })
    }))

  it('BaseContext and Context take the v3 trigger or the v4 overrides', () =>
    typesOnly(() => {
      expectTypeOf<BaseContext<typeof inngest, 'app/order.placed'>>().toEqualTypeOf<HandlerContext<Events, OrderPlaced>>()
      expectTypeOf<Context<typeof inngest, 'app/order.placed'>['event']>().toEqualTypeOf<OrderPlaced>()
      expectTypeOf<Context<typeof inngest, { event: 'replaced' }>['event']>().toEqualTypeOf<'replaced'>()
      expectTypeOf<Context<typeof inngest, 'app/order.placed', { attempt: string }>['attempt']>().toEqualTypeOf<string>()
      expectTypeOf<Context<typeof inngest>['runId']>().toEqualTypeOf<string>()
      expectTypeOf<TypesContext<typeof inngest>>().toEqualTypeOf<Context<typeof inngest>>()
    }))

  it('Handler takes a client (official) or an event map (this SDK’s form)', () =>
    typesOnly(() => {
      const onOrder: Handler<typeof inngest, 'app/order.placed'> = async ({ event, step }) => step.run('total', () => event.data.total)
      inngest.createFunction({ id: 'on-order' }, { event: 'app/order.placed' }, onOrder)
      const plain: Handler<Events, OrderPlaced, number> = ({ event }) => event.data.total
      expectTypeOf(plain).returns.toEqualTypeOf<number | Promise<number>>()
      expectTypeOf<Parameters<Handler<typeof inngest>>[0]['event']>().toEqualTypeOf<UserCreated | OrderPlaced>()
    }))

  it('FailureEventArgs types an onFailure handler; ScheduledTimerEventPayload a cron run’s event', () =>
    typesOnly(() => {
      const onFailure = async ({ error, event }: FailureEventArgs<UserCreated>) => `${error.message} in ${event.data.event.data.id}`
      inngest.createFunction({ id: 'fails', onFailure }, { event: 'app/user.created' }, async () => undefined)
      expectTypeOf<FailureEventArgs['event']>().toEqualTypeOf<FunctionFailedEvent>()
      expectTypeOf<TypesFailureEventArgs>().toEqualTypeOf<FailureEventArgs>()
      inngest.createFunction({ id: 'daily' }, { cron: '0 9 * * *' }, async ({ event }) => expectTypeOf(event).toEqualTypeOf<ScheduledTimerEventPayload>())
    }))

  it('internalEvents members are names and types, and type their triggers', () =>
    typesOnly(() => {
      expectTypeOf(internalEvents.FunctionFailed).toEqualTypeOf<'inngest/function.failed'>()
      expectTypeOf<internalEvents.ScheduledTimer>().toEqualTypeOf<'inngest/scheduled.timer'>()
      inngest.createFunction({ id: 'any-failure' }, { event: internalEvents.FunctionFailed }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<FunctionFailedEvent>()
      })
    }))
})

describe('fn.id and the subpaths', () => {
  it('fn.id is the official callable, and text', () =>
    typesOnly(() => {
      const fn = inngest.createFunction({ id: 'identified' }, { event: 'app/user.created' }, async () => undefined)
      expectTypeOf(fn.id).toBeCallableWith()
      expectTypeOf(fn.id).toBeCallableWith('prefix')
      expectTypeOf(fn.id()).toEqualTypeOf<string>()
      expectTypeOf(`${fn.id}`).toEqualTypeOf<string>()
      // @ts-expect-error fn.id is not a string: call it
      void (fn.id === 'identified')
    }))

  it('experimental: extendedTracesMiddleware types ctx.tracer', () =>
    typesOnly(() => {
      const traced = new Inngest({ id: 'sdk-types-traced', middleware: [extendedTracesMiddleware()] })
      traced.createFunction({ id: 'traced' }, { event: 'a/b' }, async ({ tracer }) => {
        expectTypeOf(tracer).toEqualTypeOf<Tracer>()
        return tracer.startActiveSpan('work', (span) => (span.end(), 1))
      })
    }))

  it('types, helpers/jsonify, middleware/logger and components/Inngest resolve', () =>
    typesOnly(() => {
      expectTypeOf<Result<number>>().toEqualTypeOf<{ ok: true; value: number } | { ok: false; error: undefined }>()
      expectTypeOf<Jsonify<{ at: Date }>>().toEqualTypeOf<{ at: string }>()
      expectTypeOf<{ a: [1, 'x'] }>().toMatchTypeOf<JsonValue>()
      expectTypeOf<Logger>().toHaveProperty('debug')
      expectTypeOf(inngest).toMatchTypeOf<AnyInngest>()
    }))
})
