/**
 * Type-level tests of typed events: `npx tsc --noEmit` checks every `expectTypeOf` and
 * `@ts-expect-error` here. Handlers are only created inside `typesOnly`, never registered.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  EventSchemas,
  EventType,
  eventType,
  Inngest,
  staticSchema,
  type CreatedEvent,
  type ReceivedEvent,
  type ScheduledTimerEvent,
  type StandardSchemaV1,
  type StepTools,
} from '../../src/index.js'

const userSchema = z.object({ email: z.email(), plan: z.enum(['free', 'pro']).default('free') })
const userCreated = eventType('tt/user.created', { schema: userSchema })
const orderPlaced = eventType('tt/order.placed', { schema: staticSchema<{ orderId: string; total: number }>() })
const untyped = eventType('tt/untyped')

/** The handler sees the schema's output: `plan` is filled in by its default. */
type UserCreated = ReceivedEvent<'tt/user.created', { email: string; plan: 'free' | 'pro' }>
type OrderPlaced = ReceivedEvent<'tt/order.placed', { orderId: string; total: number }>

type Events = { 'tt/known': { data: { known: true } } }
const inngest = new Inngest({ id: 'tt-app', schemas: new EventSchemas().fromRecord<Events>() })
const id = () => 'never-registered'

/** Type checks only, never called: createFunction would register into the worker's registry. */
function typesOnly(check: () => void): void {
  void check
}

describe('eventType', () => {
  it('carries its name and schema', () => {
    expectTypeOf(userCreated).toEqualTypeOf<EventType<'tt/user.created', typeof userSchema>>()
    expectTypeOf(userCreated.name).toEqualTypeOf<'tt/user.created'>()
    expectTypeOf(userCreated.event).toEqualTypeOf<'tt/user.created'>()
    expectTypeOf(untyped).toEqualTypeOf<EventType<'tt/untyped', undefined>>()
    expectTypeOf<StandardSchemaV1.InferOutput<typeof userSchema>>().toEqualTypeOf<{ email: string; plan: 'free' | 'pro' }>()
  })

  it('creates events from the schema input: data required, optional where the schema has a default', () => {
    expectTypeOf(userCreated.create({ email: 'a@b.co' })).toEqualTypeOf<CreatedEvent<'tt/user.created', { email: string; plan?: 'free' | 'pro' | undefined }>>()
    expectTypeOf(orderPlaced.create({ orderId: 'o', total: 1 }, { id: 'dedupe', ts: 1, v: '2' }).data.total).toEqualTypeOf<number>()
    expectTypeOf(untyped.create()).toEqualTypeOf<CreatedEvent<'tt/untyped', Record<string, any>>>()
    expectTypeOf(userCreated.create({ email: 'a@b.co' }).validate()).toEqualTypeOf<Promise<void>>()
    typesOnly(() => {
      // @ts-expect-error data is required with a schema
      userCreated.create()
      // @ts-expect-error wrong field type
      orderPlaced.create({ orderId: 'o', total: '1' })
      // @ts-expect-error plan is an enum
      userCreated.create({ email: 'a@b.co', plan: 'enterprise' })
    })
  })

  it('accepts object schemas only', () =>
    typesOnly(() => {
      // @ts-expect-error event data is an object
      eventType('tt/text', { schema: z.string() })
      // @ts-expect-error not a Standard Schema
      eventType('tt/bad', { schema: { parse: () => ({}) } })
    }))
})

describe('triggers', () => {
  it('types the handler event from the schema, in the v4 form', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id(), triggers: [userCreated] }, async ({ event, events }) => {
        expectTypeOf(event).toEqualTypeOf<UserCreated>()
        expectTypeOf(event.data.plan).toEqualTypeOf<'free' | 'pro'>()
        expectTypeOf(events).toEqualTypeOf<readonly [UserCreated, ...UserCreated[]]>()
        // @ts-expect-error the schema has no such field
        void event.data.name
      })
      inngest.createFunction({ id: id(), triggers: userCreated }, async ({ event }) => expectTypeOf(event).toEqualTypeOf<UserCreated>())
    }))

  it('prefers the event type schema over the client schemas for the same name', () =>
    typesOnly(() => {
      const legacy = new Inngest({ id: 'tt-legacy', schemas: new EventSchemas().fromRecord<{ 'tt/user.created': { data: { legacy: number } } }>() })
      legacy.createFunction({ id: id(), triggers: [userCreated] }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<UserCreated>()
      })
      legacy.createFunction({ id: id(), triggers: [{ event: 'tt/user.created' }] }, async ({ event }) => {
        expectTypeOf(event.data).toEqualTypeOf<{ legacy: number }>()
      })
    }))

  it('types the v3 form, and the nested { event: eventType, if } trigger', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id() }, userCreated, async ({ event }) => expectTypeOf(event).toEqualTypeOf<UserCreated>())
      inngest.createFunction({ id: id() }, { event: orderPlaced, if: 'event.data.total > 10' }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<OrderPlaced>()
      })
      inngest.createFunction({ id: id(), triggers: [{ event: userCreated }] }, async ({ event }) => expectTypeOf(event).toEqualTypeOf<UserCreated>())
    }))

  it('mixes event types with plain and cron triggers', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id(), triggers: [userCreated, orderPlaced, { event: 'tt/known' }, { cron: '0 9 * * *' }] }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<UserCreated | OrderPlaced | ReceivedEvent<'tt/known', { known: true }> | ScheduledTimerEvent>()
        if (event.name === 'tt/order.placed') expectTypeOf(event.data.total).toEqualTypeOf<number>()
      })
    }))

  it('falls back to the client schemas, or open data, for an event type without a schema', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id(), triggers: [untyped] }, async ({ event }) => {
        expectTypeOf(event).toEqualTypeOf<ReceivedEvent<'tt/untyped', Record<string, any>>>()
      })
      inngest.createFunction({ id: id(), triggers: [eventType('tt/known')] }, async ({ event }) => {
        expectTypeOf(event.data).toEqualTypeOf<{ known: true }>()
      })
    }))

  it('types onFailure with the event type', () =>
    typesOnly(() => {
      inngest.createFunction(
        { id: id(), triggers: [userCreated], onFailure: ({ event }) => expectTypeOf(event.data.event).toEqualTypeOf<UserCreated>() },
        async () => undefined,
      )
    }))
})

describe('step.waitForEvent', () => {
  const step = {} as StepTools<Events>

  it('takes an event type and resolves to the schema output, or null', () =>
    typesOnly(() => {
      expectTypeOf(step.waitForEvent('wait', { event: userCreated, timeout: '1d' })).resolves.toEqualTypeOf<UserCreated | null>()
      expectTypeOf(step.waitForEvent('wait', { event: orderPlaced, timeout: 1000, match: 'data.orderId' })).resolves.toEqualTypeOf<OrderPlaced | null>()
      expectTypeOf(step.waitForEvent('wait', { event: userCreated, timeout: '1h', if: 'async.data.plan == "pro"' })).resolves.toEqualTypeOf<UserCreated | null>()
    }))

  it('falls back to the client schemas, or open data, for an event type without a schema', () =>
    typesOnly(() => {
      expectTypeOf(step.waitForEvent('wait', { event: untyped, timeout: '1h' })).resolves.toEqualTypeOf<ReceivedEvent<'tt/untyped', Record<string, any>> | null>()
      expectTypeOf(step.waitForEvent('wait', { event: eventType('tt/known'), timeout: '1h' })).resolves.toEqualTypeOf<ReceivedEvent<'tt/known', { known: true }> | null>()
    }))

  it('keeps the rules of the options', () =>
    typesOnly(() => {
      // @ts-expect-error timeout is required
      void step.waitForEvent('wait', { event: userCreated })
      // @ts-expect-error match and if exclude each other
      void step.waitForEvent('wait', { event: userCreated, timeout: '1h', match: 'data.email', if: 'true' })
      // @ts-expect-error an object with a name is not an event type
      void step.waitForEvent('wait', { event: { name: 'tt/user.created', schema: userSchema }, timeout: '1h' })
    }))

  it('types the handler step the same way', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id(), triggers: [orderPlaced] }, async ({ step: tools }) => {
        const user = await tools.waitForEvent('user', { event: userCreated, timeout: '1h' })
        expectTypeOf(user).toEqualTypeOf<UserCreated | null>()
        if (user) expectTypeOf(user.data.plan).toEqualTypeOf<'free' | 'pro'>()
      })
    }))
})

describe('cancelOn', () => {
  it('takes an event type or a name, in both call shapes', () =>
    typesOnly(() => {
      inngest.createFunction({ id: id(), triggers: [orderPlaced], cancelOn: [{ event: userCreated, match: 'data.email', timeout: '1h' }, { event: 'tt/known' }] }, async () => undefined)
      inngest.createFunction({ id: id(), cancelOn: [{ event: untyped, if: 'async.data.id == event.data.orderId' }] }, orderPlaced, async () => undefined)
      // @ts-expect-error an object with a name is not an event type
      inngest.createFunction({ id: id(), triggers: [orderPlaced], cancelOn: [{ event: { name: 'tt/user.created' } }] }, async () => undefined)
      // @ts-expect-error cancelOn has no schema option
      inngest.createFunction({ id: id(), cancelOn: [{ event: userCreated, schema: userSchema }] }, orderPlaced, async () => undefined)
    }))
})

describe('send', () => {
  // Typed calls only: nothing is actually sent.
  const send = inngest.send.bind(inngest)

  it('accepts created events, alone or in a batch with literal payloads', () => {
    const calls = () => {
      void send(userCreated.create({ email: 'a@b.co' }))
      void send([userCreated.create({ email: 'a@b.co', plan: 'pro' }), orderPlaced.create({ orderId: 'o', total: 2 }), untyped.create()])
      void send([orderPlaced.create({ orderId: 'o', total: 2 }), { name: 'tt/known', data: { known: true } }])
      void send({ name: 'tt/order.placed', data: { anything: 1 } })
    }
    expectTypeOf(calls).toBeFunction()
  })

  it('still checks literal payloads of the client schemas', () => {
    const calls = () => {
      // @ts-expect-error data of a known event
      void send({ name: 'tt/known', data: { known: false } })
      // @ts-expect-error one bad literal next to a created event
      void send([orderPlaced.create({ orderId: 'o', total: 2 }), { name: 'tt/known', data: {} }])
    }
    expectTypeOf(calls).toBeFunction()
  })

  it('accepts created events in step.sendEvent', () => {
    const step = {} as StepTools<Events>
    const calls = () => {
      void step.sendEvent('notify', orderPlaced.create({ orderId: 'o', total: 2 }))
      void step.sendEvent('notify-all', [orderPlaced.create({ orderId: 'o', total: 2 })])
    }
    expectTypeOf(calls).toBeFunction()
  })
})
