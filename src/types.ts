/**
 * Public types of the SDK, as strict as the official `inngest` package: event data is typed in
 * handlers from the client's schemas, and `step.run` resolves to the JSON round-tripped type of
 * its callback's result.
 */
import type { Jsonify } from '../actors/index.js'

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

/** Events the client can send: known names with their data, or any other name. */
export type SendableEvent<Events extends EventMap> =
  | { [K in keyof Events & string]: EventPayload<K, Events[K]['data']> & { data: Events[K]['data'] } }[keyof Events & string]
  | (string extends keyof Events ? EventPayload : never)

export type EventTriggerInput<Events extends EventMap> = {
  event: (keyof Events & string) | `${string}*` | (string extends keyof Events ? string : never)
  if?: string
}
export type CronTriggerInput = { cron: string }
export type TriggerInput<Events extends EventMap> = EventTriggerInput<Events> | CronTriggerInput | (keyof Events & string)

/** The event type a trigger delivers. */
export type EventForTrigger<Events extends EventMap, T> = T extends { cron: string }
  ? ScheduledTimerEvent
  : T extends { event: infer N extends string }
    ? EventNamed<Events, N>
    : T extends string
      ? EventNamed<Events, T>
      : never

type EventNamed<Events extends EventMap, N extends string> = N extends keyof Events
  ? ReceivedEvent<N, Events[N]['data']>
  : N extends `${infer Prefix}*`
    ? { [K in keyof Events & string]: K extends `${Prefix}${string}` ? ReceivedEvent<K, Events[K]['data']> : never }[keyof Events & string] | (string extends keyof Events ? ReceivedEvent : never)
    : ReceivedEvent<N>

/** The union of events any of `Triggers` delivers. */
export type EventForTriggers<Events extends EventMap, Triggers> = Triggers extends readonly (infer T)[]
  ? EventForTrigger<Events, T>
  : EventForTrigger<Events, Triggers>

/** A step id, or `{ id, name }`. */
export type StepId = string | { id: string; name?: string }

/** Durations: milliseconds, or an `ms` string such as "30s", "5m", "1h", "2d". */
export type Duration = number | string

export interface StepTools<Events extends EventMap> {
  /** Runs `fn` once; on replay returns the recorded result. Retried on error. */
  run<Fn extends (...args: any[]) => unknown>(id: StepId, fn: Fn, ...args: Parameters<Fn>): Promise<Jsonify<Awaited<ReturnType<Fn>>>>
  /** Suspends the run for `duration` (up to a year) without holding any resources. */
  sleep(id: StepId, duration: Duration): Promise<void>
  /** Suspends the run until `time` (a Date, ISO string or epoch ms). */
  sleepUntil(id: StepId, time: Date | string | number): Promise<void>
  /** The first matching event, or null once `timeout` passed. */
  waitForEvent<Name extends keyof Events & string>(
    id: StepId,
    options: { event: Name; timeout: Duration; match?: string; if?: string },
  ): Promise<ReceivedEvent<Name, Events[Name]['data']> | null>
}

export interface Logger {
  info(...args: unknown[]): void
  warn(...args: unknown[]): void
  error(...args: unknown[]): void
  debug(...args: unknown[]): void
}

/** What a handler receives. */
export interface HandlerContext<Events extends EventMap, Event> {
  readonly event: Event
  readonly events: readonly Event[]
  readonly step: StepTools<Events>
  readonly runId: string
  /** 0-based attempt of the handler as a whole. */
  readonly attempt: number
  readonly logger: Logger
}

export type Handler<Events extends EventMap, Event, Output> = (ctx: HandlerContext<Events, Event>) => Output | Promise<Output>

/** The event an onFailure handler receives. */
export type FunctionFailedEvent = ReceivedEvent<
  'inngest/function.failed',
  { function_id: string; run_id: string; error: { name: string; message: string; stack?: string }; event: ReceivedEvent }
>

export interface FailureHandlerContext<Events extends EventMap> extends HandlerContext<Events, FunctionFailedEvent> {
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

/** Function options (the first argument of createFunction). */
export interface FunctionConfig<Events extends EventMap = EventMap> {
  id: string
  name?: string
  description?: string
  retries?: RetriesConfig
  /** Engine limits: steps per run (default 1,000, up to 100,000) and step output bytes (default 4 MB). */
  limits?: { steps?: number; stepOutputBytes?: number }
  onFailure?: (ctx: FailureHandlerContext<Events>) => unknown
  concurrency?: number | { limit: number; key?: string; scope?: 'fn' | 'env' | 'account' } | Array<{ limit: number; key?: string; scope?: 'fn' | 'env' | 'account' }>
  throttle?: { limit: number; period: Duration; burst?: number; key?: string }
  rateLimit?: { limit: number; period: Duration; key?: string }
  debounce?: { period: Duration; key?: string; timeout?: Duration }
  priority?: { run?: string }
  batchEvents?: { maxSize: number; timeout: Duration; key?: string; if?: string }
  idempotency?: string
  singleton?: { key?: string; mode: 'skip' | 'cancel' }
  cancelOn?: Array<{ event: string; if?: string; match?: string; timeout?: Duration }>
  timeouts?: { start?: Duration; finish?: Duration }
}
