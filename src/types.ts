/**
 * Public types of the SDK, as strict as the official `inngest` package: event data is typed in
 * handlers from the client's schemas, and `step.run` resolves to the JSON round-tripped type of
 * its callback's result.
 */
import type { Jsonify } from '../actors/internal.js'
import type { HostingEntity } from '../actors/engine/function-definition.js'
import type { AnyEventType } from './event-type.js'
import type { InngestFunctionReference } from './function-reference.js'
import type { InngestFunction } from './inngest-function.js'
import type { StandardSchemaV1 } from './standard-schema.js'

/** Data of events the client has no schema for. */
export type UnknownEventData = Record<string, any>

/** A map from event name to its payload shape: `{ 'app/user.created': { data: { id: string } } }`. */
export type EventMap = Record<string, { data: Record<string, any> }>

/** An event as sent: `id` (dedupe key) and `ts` are filled in when missing. */
export interface EventPayload<Name extends string = string, Data = UnknownEventData> {
  name: Name
  data?: Data
  id?: string
  ts?: number
  v?: string
  user?: Record<string, unknown>
}

/** An event as a handler receives it: `id`, `ts` and `data` are always present. */
export interface ReceivedEvent<Name extends string = string, Data = UnknownEventData> {
  readonly name: Name
  readonly data: Data
  readonly id: string
  readonly ts: number
  readonly v?: string
  readonly user?: Record<string, unknown>
}

/** The event a cron-triggered run receives. */
export type ScheduledTimerEvent = ReceivedEvent<'inngest/scheduled.timer', { cron: string }>

/** The event an onFailure handler receives; `data.event` is the event of the run that failed. */
export type FunctionFailedEvent<FailedEvent = ReceivedEvent> = ReceivedEvent<
  'inngest/function.failed',
  { function_id: string; run_id: string; error: { name: string; message: string; stack?: string }; event: FailedEvent }
>

/** The official name of `ScheduledTimerEvent`. */
export type ScheduledTimerEventPayload = ScheduledTimerEvent
/** The official name of `FunctionFailedEvent`. */
export type FailureEventPayload<FailedEvent = ReceivedEvent> = FunctionFailedEvent<FailedEvent>
/** What an onFailure handler receives besides the handler context (official `FailureEventArgs`). */
export type FailureEventArgs<FailedEvent = ReceivedEvent> = { event: FunctionFailedEvent<FailedEvent>; error: Error }

/** Events the platform sends itself, typed whether or not the client's schemas name them. */
type InternalEvents = {
  'inngest/function.failed': FunctionFailedEvent
  'inngest/scheduled.timer': ScheduledTimerEvent
}

/** An event name: the known names (offered by the editor) or any other string. */
type EventName<Events extends EventMap> = (keyof Events & string) | (string & {})

/**
 * One event `send` accepts. A name the schemas know needs its typed `data`; any other name
 * (the client is open to unknown events) takes any object. Without `Name`, the union of the
 * known events.
 */
export type SendableEvent<Events extends EventMap, Name extends string = keyof Events & string> = Name extends keyof Events & string
  ? EventPayload<Name, Events[Name]['data']> & { data: Events[Name]['data'] }
  : EventPayload<Name>

/** `{ event, if? }`: an event name, a wildcard such as `app/*` or `app/user.*`, or an `eventType`. */
export type EventTriggerInput<Events extends EventMap> = { event: EventName<Events> | AnyEventType; if?: string }
/** `{ cron }`: a cron expression, optionally prefixed with `TZ=Area/City `. */
export type CronTriggerInput = { cron: string }
/** One trigger: `{ event }`, `{ cron }`, an `eventType(…)`, or an event name on its own. */
export type TriggerInput<Events extends EventMap> = EventTriggerInput<Events> | CronTriggerInput | AnyEventType | EventName<Events>

/**
 * The event type a trigger delivers. An `eventType` with a schema types `data` as the schema's
 * output, over the client's schemas; nested `{ event: eventType(…) }` works the same.
 */
export type EventForTrigger<Events extends EventMap, T> = T extends { cron: string }
  ? ScheduledTimerEvent
  : T extends { event: infer N extends string; schema: infer S extends StandardSchemaV1 }
    ? ReceivedEvent<N, StandardSchemaV1.InferOutput<S>>
    : T extends { event: infer N extends string }
      ? EventNamed<Events, N>
      : T extends { event: infer Typed extends AnyEventType }
        ? EventForTrigger<Events, Typed>
        : T extends string
          ? EventNamed<Events, T>
          : never

/**
 * The event named `N`: typed if the schemas know it; for a wildcard, the union of the known
 * events it matches (an open event when it matches none); otherwise an open event.
 */
export type EventNamed<Events extends EventMap, N extends string> = N extends keyof Events & string
  ? ReceivedEvent<N, Events[N]['data']>
  : N extends keyof InternalEvents
    ? InternalEvents[N]
    : N extends `${infer Prefix}*`
      ? OrElse<{ [K in keyof Events & string]: K extends `${Prefix}${string}` ? ReceivedEvent<K, Events[K]['data']> : never }[keyof Events & string], ReceivedEvent<`${Prefix}${string}`>>
      : ReceivedEvent<N>

type OrElse<T, Fallback> = [T] extends [never] ? Fallback : T

/** The union of events any of `Triggers` delivers. */
export type EventForTriggers<Events extends EventMap, Triggers> = Triggers extends readonly (infer T)[]
  ? EventForTrigger<Events, T>
  : EventForTrigger<Events, Triggers>

/** A step id, or `{ id, name }`. */
export type StepId = string | { id: string; name?: string }

/** Durations: milliseconds, or an `ms` string such as "30s", "5m", "1h", "2d". */
export type Duration = number | string

/**
 * What `step.waitForEvent` takes: the event (a name or an `eventType`), how long to wait, and
 * at most one of `match` (a field both events share) or `if` (CEL over `event` and `async`).
 */
export type WaitForEventOptions<Event> = { event: Event; timeout: Duration } & ({ match?: string; if?: never } | { if?: string; match?: never })

/** The event `step.waitForEvent` resolves to: typed by its name, or by an event type as a trigger is. */
export type WaitedEvent<Events extends EventMap, Event> = Event extends string ? EventNamed<Events, Event> : EventForTrigger<Events, Event>

/** The `step` a handler receives; results are typed as they come back from JSON. */
export interface StepTools<Events extends EventMap> {
  /** Runs `fn(...args)` once; on replay returns the recorded result. Retried on error. */
  run<Fn extends (...args: any[]) => unknown>(id: StepId, fn: Fn, ...args: Parameters<Fn>): Promise<Jsonify<Awaited<ReturnType<Fn>>>>
  /** Suspends the run for `duration` (up to a year) without holding any resources. */
  sleep(id: StepId, duration: Duration): Promise<void>
  /** Suspends the run until `time` (a Date, ISO string or epoch ms). */
  sleepUntil(id: StepId, time: Date | string | number): Promise<void>
  /**
   * The first matching event, or null once `timeout` passed. Typed by its name, or, waiting for
   * an `eventType`, by its schema's output (the event goes through the schema).
   */
  waitForEvent<Event extends EventName<Events> | AnyEventType>(id: StepId, options: WaitForEventOptions<Event>): Promise<WaitedEvent<Events, Event> | null>
  /** Sends events once (memoized, ids derived from the step): `{ ids }` in input order. */
  sendEvent<Name extends EventName<Events>>(id: StepId, events: SendableEvent<Events, Name> | readonly SendableEvent<Events, Name>[]): Promise<{ ids: string[] }>
  /**
   * Starts `function` as a child run with `data` and returns its output. A failed child throws
   * a `StepError`; a timeout throws a `StepError` named `InngestInvokeTimeoutError`.
   */
  invoke<Fn extends InngestFunction<any, any, any> | InngestFunctionReference<any, any>>(
    id: StepId,
    options: { function: Fn | string; timeout?: Duration } & InvokeData<Fn>,
  ): Promise<GetFunctionOutput<Fn>>
  /**
   * A durable `fetch`: the request is made once, inside a step named `step.fetch: <hostname>`,
   * and replays return a `Response` rebuilt from its status, headers and body text.
   */
  fetch: StepFetch
  /** AI steps: a model call (`infer`) or any AI SDK call (`wrap`), each memoized as a step. */
  ai: StepAiTools
  /**
   * Waits for signal `signal` (sent by `inngest.sendSignal`) sent after the wait began:
   * `{ signal, data }`, or null once `timeout` passed.
   */
  waitForSignal<Data = unknown>(id: StepId, options: WaitForSignalOptions): Promise<{ signal: string; data: Jsonify<Data> } | null>
  /** `inngest.sendSignal` as a step: sent once (a replay answers the recorded `{ runId }`). */
  sendSignal(id: StepId, options: SendSignalOptions): Promise<SendSignalResponse>
}

/** What `step.waitForSignal` takes: the signal's name, how long to wait, and what to do if another run waits for it. */
export interface WaitForSignalOptions {
  signal: string
  timeout: Duration | Date
  /** Official: "replace" takes the signal from a run already waiting, "fail" fails this step. See docs/compatibility.md. */
  onConflict?: 'replace' | 'fail'
}

/** What `inngest.sendSignal` takes. */
export interface SendSignalOptions {
  signal: string
  data?: unknown
  /** The official SDK's environment header; one environment per worker here, so it is ignored. */
  env?: string
}

/** What `inngest.sendSignal` resolves to: the run that received the signal, or `undefined` if none waits for it. */
export interface SendSignalResponse {
  runId: string | undefined
}

/** `fetch` that is durable inside a run and falls back to `fallback` (the global fetch) elsewhere. */
export type StepFetch = typeof fetch & {
  /** Sets the fetch used outside a run (or inside a step body); `undefined` makes those calls throw. */
  config(options: StepFetch.Options): StepFetch
  readonly fallback?: typeof fetch | undefined
}

export declare namespace StepFetch {
  interface Options {
    fallback?: typeof fetch | undefined
  }
}

/** A model as the `@inngest/ai` helpers return it: `openai({ model, apiKey })` and the rest. */
export interface AiModel {
  readonly url?: string
  readonly authKey?: string
  /** `openai-chat`, `anthropic`, `gemini`, `azure-openai`, …: where the key goes. */
  readonly format?: string
  readonly headers?: Record<string, string>
  readonly onCall?: (model: any, body: any) => void
}

/** `step.ai`. */
export interface StepAiTools {
  /** POSTs `body` to the model from the run's object and returns the provider's JSON response. */
  infer<Output = unknown>(id: StepId, options: { model: AiModel; body: Record<string, any> }): Promise<Output>
  /** Runs `fn(...args)` as a step, as `step.run` does: memoized, retried on error. */
  wrap<Fn extends (...args: any[]) => unknown>(id: StepId, fn: Fn, ...args: Parameters<Fn>): Promise<Jsonify<Awaited<ReturnType<Fn>>>>
  /** The official `@inngest/ai` re-exports: not here; each throws a TypeError naming the import (`import { openai } from '@inngest/ai'`). */
  models: Record<'openai' | 'anthropic' | 'gemini' | 'grok' | 'azureOpenai' | 'deepseek', (...args: unknown[]) => never>
}

/** `group.parallel`'s options: the mode every step created in the callback gets. */
export interface ParallelOptions {
  mode?: 'race'
}

/** The `group` tools: `group.parallel`. */
export interface GroupTools {
  /** Runs `callback` with its steps in race mode (`Promise.race` over steps). */
  parallel<T>(optionsOrCallback: ParallelOptions | (() => Promise<T>), maybeCallback?: () => Promise<T>): Promise<T>
}

/** The logger a handler receives. */
export interface Logger {
  info(...args: unknown[]): void
  warn(...args: unknown[]): void
  error(...args: unknown[]): void
  debug(...args: unknown[]): void
}

/** What a handler receives. */
export interface HandlerContext<Events extends EventMap, Event> {
  readonly event: Event
  /** Every event of the run: one, or a batch (`batchEvents`); `event` is the first. */
  readonly events: readonly [Event, ...Event[]]
  readonly step: StepTools<Events>
  readonly runId: string
  /**
   * 0-based attempt of this execution, as on Inngest: while a step is retried, that step's
   * attempt (0, 1, 2 …, in and around the step); otherwise the handler's as a whole.
   */
  readonly attempt: number
  readonly logger: Logger
  /**
   * inngest.do: the `InngestEntity` object the run lives in (functions with the `host` option):
   * `entity.sql` is its SQLite. A synchronous `step.run` body's writes to it commit with the
   * step's result, in one transaction: exactly once. Undefined for runs in their own `RunActor`.
   */
  readonly entity?: HostingEntity
}

/** A function's handler; its return value becomes the run's output. */
export type Handler<Events extends EventMap, Event, Output> = (ctx: HandlerContext<Events, Event>) => Output | Promise<Output>

/** What an onFailure handler receives: the failure event and the error, rebuilt as an `Error`. */
export interface FailureHandlerContext<Events extends EventMap, FailedEvent = ReceivedEvent> extends HandlerContext<Events, FunctionFailedEvent<FailedEvent>> {
  readonly error: Error
}

/** `retries`: Inngest's number of retries (0–20), or an explicit policy. */
export type RetriesConfig =
  | number
  | {
      /** Total attempts including the first, 1–21. Default 3. */
      attempts?: number
      backoff?: 'exponential' | 'linear' | 'fixed'
      /** Delay before the first retry. Default "1s". */
      initialInterval?: Duration
      /** Longest delay between attempts. Default "1h". */
      maxDelay?: Duration
      maxInterval?: Duration
    }

/** Function options (the first argument of createFunction); `TriggerEvent` types `onFailure`. */
export interface FunctionConfig<Events extends EventMap = EventMap, TriggerEvent = ReceivedEvent> {
  id: string
  name?: string
  description?: string
  retries?: RetriesConfig
  /** Engine limits: steps per run (default 1,000, up to 100,000) and step output bytes (default 4 MB). */
  limits?: { steps?: number; stepOutputBytes?: number }
  /** Runs once the function failed for good, as its own function `<app>-${id}:failure` (a form no user function id can take). */
  onFailure?: (ctx: FailureHandlerContext<Events, TriggerEvent>) => unknown
  concurrency?: number | { limit: number; key?: string; scope?: 'fn' | 'env' | 'account' } | Array<{ limit: number; key?: string; scope?: 'fn' | 'env' | 'account' }>
  throttle?: { limit: number; period: Duration; burst?: number; key?: string }
  rateLimit?: { limit: number; period: Duration; key?: string }
  debounce?: { period: Duration; key?: string; timeout?: Duration }
  priority?: { run?: string }
  batchEvents?: { maxSize: number; timeout: Duration; key?: string; if?: string }
  idempotency?: string
  singleton?: { key?: string; mode: 'skip' | 'cancel' }
  /** Events that cancel the run: a name or an `eventType`, with an optional `if` or `match`. */
  cancelOn?: Array<{ event: EventName<Events> | AnyEventType; if?: string; match?: string; timeout?: Duration }>
  timeouts?: { start?: Duration; finish?: Duration }
  /**
   * inngest.do: every run lives in your `InngestEntity` Durable Object bound as `binding`, the one
   * named by `key` (an expression over `event`, e.g. `'event.data.documentId'`), beside its state.
   * An entity may also start the function itself: `this.runs.startFunction(fn, data)`.
   */
  host?: { binding: string; key: string }
}

/**
 * A function's output as a caller sees it (over the API or `step.invoke`): its handler's return
 * value after the JSON round trip.
 * @example
 * ```ts
 * type Out = GetFunctionOutput<typeof processOrder> // { orderId: string; emailed: string }
 * ```
 */
export type GetFunctionOutput<Fn> = Fn extends InngestFunction<any, any, infer Output>
  ? Jsonify<Output>
  : Fn extends InngestFunctionReference<any, infer Output>
    ? Output
    : never

/** The `data` `step.invoke` takes: required and typed for a reference with a data schema. */
export type InvokeData<Fn> = Fn extends InngestFunctionReference<infer Input, any>
  ? undefined extends Input['data']
    ? { data?: Record<string, unknown> }
    : { data: Input['data'] }
  : { data?: Record<string, unknown> }
