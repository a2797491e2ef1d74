/**
 * What the run engine needs to know about a function: its validated options and its handler.
 * The SDK (`src/`) builds these from user config; the engine never sees raw config.
 */
import type { Executor, RunEventPayload } from './executor.js'
import type { RetryPolicy } from '../../machines/index.js'

/** An event trigger (`app/user.created`, `app/*`) with an optional CEL `if`. */
export interface EventTrigger {
  readonly event: string
  readonly if?: string
}

/** A cron trigger, optionally prefixed with `TZ=Area/City `. */
export interface CronTrigger {
  readonly cron: string
}

export type Trigger = EventTrigger | CronTrigger

/** Engine limits for one function; defaults are in `DEFAULT_LIMITS`. */
export interface RunLimits {
  /** Most steps a run may record (step.run, sleeps, waits…). */
  readonly maxSteps: number
  /** Largest JSON-serialised step output, in bytes. */
  readonly maxStepOutputBytes: number
}

export const DEFAULT_LIMITS: RunLimits = { maxSteps: 1_000, maxStepOutputBytes: 4 * 1024 * 1024 }

/** A `cancelOn` entry, normalised: `match` is already turned into an `if` expression. */
export interface CancelOn {
  readonly event: string
  readonly if?: string
  /** How long after the run started the cancellation applies; default: the run's lifetime. */
  readonly timeoutMs?: number
}

/**
 * Flow control, normalised: durations in ms, keys and conditions as CEL sources (compiled and
 * cached at createFunction), concurrency always a list. Absent options are absent.
 */
export interface FlowControl {
  /** Up to two limits on executing runs; `scope` `env`/`account` share the limit across functions by key. */
  readonly concurrency: readonly ConcurrencyLimit[]
  readonly throttle?: { readonly limit: number; readonly periodMs: number; readonly burst: number; readonly key?: string }
  readonly rateLimit?: { readonly limit: number; readonly periodMs: number; readonly key?: string }
  /** CEL key: one run per key value per 24 h. */
  readonly idempotency?: string
  readonly debounce?: { readonly periodMs: number; readonly timeoutMs?: number; readonly key?: string }
  readonly batchEvents?: { readonly maxSize: number; readonly timeoutMs: number; readonly key?: string; readonly if?: string }
  readonly singleton?: { readonly mode: 'skip' | 'cancel'; readonly key?: string }
  /** CEL over `event`, in seconds; clamped to ±600. */
  readonly priority?: { readonly run: string }
  readonly timeouts?: { readonly startMs?: number; readonly finishMs?: number }
}

export interface ConcurrencyLimit {
  readonly limit: number
  readonly key?: string
  readonly scope: 'fn' | 'env' | 'account'
}

/** Validated, normalised function options. */
export interface FunctionOptions {
  readonly id: string
  readonly name: string
  readonly triggers: readonly Trigger[]
  readonly retry: RetryPolicy
  readonly limits: RunLimits
  readonly cancelOn?: readonly CancelOn[]
  readonly flow?: FlowControl
  /** Runs live in the user's entity objects instead of their own `RunActor` (actors/entity/). */
  readonly host?: EntityHost
}

/** Where a function's runs live: the entity of `binding` named by `key` (CEL over `event`). */
export interface EntityHost {
  /** The wrangler.toml binding of the `InngestEntity` class. */
  readonly binding: string
  /** CEL over `event`, e.g. `event.data.documentId`: the name of the object a triggered run lives in. */
  readonly key: string
}

/** Step tools as the engine implements them; `src/` gives them their strict public types. */
export interface EngineStepTools {
  run(id: StepIdInput, fn: (...args: unknown[]) => unknown, ...args: unknown[]): Promise<unknown>
  sleep(id: StepIdInput, duration: number | string): Promise<null>
  sleepUntil(id: StepIdInput, time: Date | string | number): Promise<null>
  waitForEvent(id: StepIdInput, options: { event: string; timeout: number | string; match?: string; if?: string }): Promise<unknown>
  sendEvent(id: StepIdInput, events: unknown, options?: SendEventOptions): Promise<{ ids: string[] }>
  invoke(id: StepIdInput, options: { function: InvokeTarget; data?: Record<string, unknown>; timeout?: number | string }): Promise<unknown>
}

/**
 * What the SDK adds to a `step.sendEvent` call. `validate` runs inside the step, as its body does
 * (never on the replay of a sent step), with the prepared batch and before anything is published:
 * throwing fails the step and nothing is sent. The engine knows no schemas; the SDK brings them.
 */
export interface SendEventOptions {
  readonly validate?: (events: readonly RunEventPayload[]) => Promise<void> | void
  /**
   * Runs around publishing, inside the step as `validate` (middleware's step and send hooks):
   * `publish` sends the prepared batch; what `wrap` returns is the step's output.
   */
  readonly wrap?: (publish: () => Promise<{ ids: string[] }>) => Promise<{ ids: string[] }>
}

/** What `step.invoke` accepts as `function`: a created function, or its composite id. */
export type InvokeTarget = string | { readonly compositeId: string }

/** A step id, or Inngest's object form `{ id, name }`. */
export type StepIdInput = string | { readonly id: string; readonly name?: string }

/** Minimal structured logger handed to handlers. */
export interface RunLogger {
  info(...args: unknown[]): void
  warn(...args: unknown[]): void
  error(...args: unknown[]): void
  debug(...args: unknown[]): void
}

/** The context the engine passes to a handler. */
export interface EngineContext {
  readonly event: RunEventPayload
  readonly events: readonly RunEventPayload[]
  readonly step: EngineStepTools
  readonly runId: string
  readonly attempt: number
  readonly logger: RunLogger
  /** The pass as SDK wrappers (middleware) see it; the SDK keeps it from user handlers. */
  readonly pass?: PassInfo
  /** The object hosting the run, for SDK wrappers (middleware's request arguments); kept from user handlers. */
  readonly platform?: RunPlatform
  /** The entity object hosting the run (functions with the `host` option): its storage and env. */
  readonly entity?: HostingEntity
}

/**
 * The `InngestEntity` object a run lives in, as its handler sees it. A synchronous `step.run`
 * body's writes to `sql` commit in the same transaction as the step's result: exactly once.
 */
export interface HostingEntity {
  /** The object's name (its `idFromName` key: the value of `host.key`). */
  readonly name: string
  /** The object's SQLite, beside the run's own `inngest_` tables. */
  readonly sql: SqlStorage
  readonly storage: DurableObjectStorage
  /** The worker's env, as the object has it. */
  readonly env: unknown
  /** The object itself: your class's instance (cast it to call your methods). */
  readonly object: unknown
}

/** Where a run executes: the worker's env and the state of the Durable Object hosting it. */
export interface RunPlatform {
  readonly env: unknown
  readonly ctx: { waitUntil(promise: Promise<unknown>): void }
}

/**
 * What middleware needs to know about the pass running a handler: whether the handler is still
 * replaying memoized steps, and how the pass ended ("returned"/"threw": the handler settled;
 * "suspended": it waits on a sleep, wait or retry; "aborted": the run was cancelled).
 */
export interface PassInfo {
  readonly memoizing: boolean
  readonly ended: Promise<'returned' | 'threw' | 'suspended' | 'aborted'>
  /** What the next call of step `id` would be, without planning it. */
  peek(id: string): StepPreview
}

/**
 * A step call before it is planned: its key, whether it replays a settled result, the attempt
 * it would execute, and whether planning it ends the pass's memoization (`memoizing` turns false).
 */
export interface StepPreview {
  readonly key: string
  readonly memoized: boolean
  readonly attempt: number
  readonly endsMemoization: boolean
}

export type EngineHandler = (ctx: EngineContext) => unknown

/** A function the engine can run: validated options and its handler. */
export interface RunnableFunction {
  readonly options: FunctionOptions
  readonly handler: EngineHandler
  /** Where `ctx.logger` writes (the client's `logger`); the console when absent. */
  readonly logger?: RunLogger
  /**
   * What runs the function's code, when not `handler` in the run's own object (the default,
   * `InProcessExecutor`): e.g. an executor calling an app over HTTP. `RunHostOptions.executorFor` may override it.
   */
  readonly executor?: Executor
}
