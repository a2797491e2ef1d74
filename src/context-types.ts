/**
 * The official type helpers keyed on a client, `typeof inngest`: `GetFunctionInput`,
 * `GetStepTools`, `BaseContext`, `Context` and `Handler`, in both official forms: v3 takes an
 * event name as the second argument, v4 an object of keys to override.
 * @example
 * ```ts
 * type Step = GetStepTools<typeof inngest, 'app/user.created'>
 * async function welcome(step: Step, email: string) { await step.run('send', () => sendEmail(email)) }
 * ```
 */
import type { Inngest } from './client.js'
import type { EventSchemas } from './event-schemas.js'
import type { MiddlewareContext } from './middleware/middleware-context.js'
import type { EventMap, EventNamed, Handler as EventsHandler, HandlerContext, ReceivedEvent } from './types.js'

/** The options a client was made with. */
type OptionsOf<Client> = Client extends Inngest<infer Options> ? Options : never

/** The events a client's schemas declare; `{}` without schemas (every event is then open). */
export type EventsOfClient<Client> = OptionsOf<Client> extends { schemas: EventSchemas<infer Events> } ? Events : {}

/** The event names a client's schemas declare (v3 `TriggersFromClient`). */
export type TriggersFromClient<Client> = keyof EventsOfClient<Client> & string

type OrElse<T, Fallback> = [T] extends [never] ? Fallback : T

/** The event a handler for `Trigger` receives; any event the client knows without one. */
type ContextEvent<Client, Trigger extends string> = OrElse<EventNamed<EventsOfClient<Client>, OrElse<Trigger, TriggersFromClient<Client>>>, ReceivedEvent>

/**
 * A handler's input, before middleware: `event`, `events`, `step`, `runId`, `attempt`, `logger`.
 * `Trigger` (an event name, v3) types the event; without it, any of the client's events.
 */
export type BaseContext<Client extends Inngest<any>, Trigger extends string = never> = HandlerContext<EventsOfClient<Client>, ContextEvent<Client, Trigger>>

/**
 * A handler's input with keys overridden: v3 `Context<typeof inngest, 'app/event', Overrides>`
 * or v4 `Context<typeof inngest, Overrides>`.
 */
export type Context<
  Client extends Inngest<any> = Inngest<any>,
  TriggerOrOverrides extends string | Record<string, unknown> = never,
  Overrides extends Record<string, unknown> = {},
> = [TriggerOrOverrides] extends [never]
  ? Omit<BaseContext<Client>, keyof Overrides> & Overrides
  : TriggerOrOverrides extends string
    ? Omit<BaseContext<Client, TriggerOrOverrides>, keyof Overrides> & Overrides
    : Omit<BaseContext<Client>, keyof TriggerOrOverrides> & TriggerOrOverrides

/**
 * A function's handler. Given a client, the official form: `Handler<typeof inngest>`,
 * `Handler<typeof inngest, 'app/event'>` (v3) or `Handler<typeof inngest, Overrides>` (v4).
 * Given an event map, this SDK's form: `Handler<Events, Event, Output>`.
 */
export type Handler<ClientOrEvents, EventOrTrigger = never, OutputOrOverrides = unknown> =
  ClientOrEvents extends Inngest<any>
    ? (ctx: Context<ClientOrEvents, Extract<EventOrTrigger, string | Record<string, unknown>>, OutputOrOverrides extends Record<string, unknown> ? OutputOrOverrides : {}>) => unknown
    : ClientOrEvents extends EventMap
      ? EventsHandler<ClientOrEvents, EventOrTrigger, OutputOrOverrides>
      : never

/**
 * What a handler of `Client`'s functions receives, middleware additions included; with
 * `Trigger`, its event is typed by that name.
 * @example
 * ```ts
 * type Input = GetFunctionInput<typeof inngest, 'app/user.created'>
 * ```
 */
export type GetFunctionInput<Client extends Inngest<any>, Trigger extends string = never> = BaseContext<Client, Trigger> & MiddlewareContext<OptionsOf<Client>>

/**
 * The `step` tools a handler of `Client`'s functions receives, to pass to helpers.
 * @example
 * ```ts
 * async function chargeCustomer(step: GetStepTools<typeof inngest>, id: string) { return step.run('charge', () => charge(id)) }
 * ```
 */
export type GetStepTools<Client extends Inngest<any>, Trigger extends string = never> = GetFunctionInput<Client, Trigger> extends { step: infer Step } ? Step : never

