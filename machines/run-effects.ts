/**
 * What a run does to the world beyond its own storage, as plain data. The machine's decisions
 * (run-decisions.ts) return these; the host persists them in the transition's transaction, then
 * performs them. Each is idempotent (derived ids, idempotent calls), so performing one twice
 * after a crash is harmless.
 */
import type { RunIndexEntry } from './run-index-entry.js'
import type { SerializedError } from './run-types.js'

/** One event as delivered to a function run. */
export interface RunEventPayload {
  readonly name: string
  readonly data: Record<string, unknown>
  readonly id: string
  readonly ts: number
  readonly v?: string
  readonly user?: Record<string, unknown>
}

/**
 * Where a run lives when a Durable Object of the user's hosts it (`RunHost`): the env binding
 * of that namespace and the name its object is addressed by (`idFromName(name)`). Absent, the
 * run lives in its own `RunActor`, `INNGEST_RUNS` by run id.
 */
export interface RunAddress {
  readonly binding: string
  readonly name: string
  /**
   * The object hosts many runs (an `InngestEntity`): calls to it name the run (`resolveRunWait(runId, …)`).
   * Absent: it hosts one (`RunHost` embedded by hand), and its methods take no run id.
   */
  readonly entity?: true
}

/** A wait (`step.waitForEvent`) or cancellation (`cancelOn`) registered against an event name. */
export interface WaitRegistration {
  readonly runId: string
  readonly stepKey: string
  readonly kind: 'wait' | 'cancel'
  /** The event name awaited (the stream this registration lives in). */
  readonly event: string
  /** CEL over `event` (the run's trigger) and `async` (the candidate); null matches any event. */
  readonly expression: string | null
  readonly trigger: RunEventPayload
  /** Only events with `ts` at or after this count (the run's trigger time). */
  readonly sinceTs: number
  /** Only events with `ts` at or before this count (the timeout). */
  readonly expiresAt: number
  /** The object hosting the run, when not its own `RunActor`: where a match is delivered. */
  readonly host?: RunAddress
  /** Refused while another run's wait is open here (a signal has one waiter). */
  readonly exclusive?: boolean
}

/**
 * Where a child run reports its result: the invoking run and its `step.invoke` key, and the
 * object hosting that run when it is not its own `RunActor` (absent in links stored before).
 */
export interface ParentLink {
  readonly runId: string
  readonly stepKey: string
  readonly host?: RunAddress
}

/** What `step.invoke` resolves with. */
export type InvokeResult = { readonly data: unknown } | { readonly error: SerializedError }

export type RunEffect =
  /** Start another run (an onFailure handler, an invoked child); its id is derived from `event`. */
  | { readonly kind: 'start-run'; readonly functionId: string; readonly event: RunEventPayload; readonly parent?: ParentLink }
  /** Register a wait or cancellation with the event stream of its name. */
  | { readonly kind: 'register'; readonly registration: WaitRegistration }
  /** Close the wait at `stepKey` (it timed out) in the stream of `event`. */
  | { readonly kind: 'close'; readonly event: string; readonly stepKey: string }
  /** Drop this run's registrations from these event streams. */
  | { readonly kind: 'forget'; readonly events: readonly string[] }
  /** Publish events (system events such as `inngest/function.finished`), ids derived. */
  | { readonly kind: 'publish'; readonly events: readonly RunEventPayload[] }
  /** Tell the invoking run how this child ended. */
  | { readonly kind: 'notify-parent'; readonly parent: ParentLink; readonly result: InvokeResult }
  /** Tell the run index (the dashboard's list) the run started or ended. */
  | { readonly kind: 'index'; readonly entry: RunIndexEntry }

export type RunEffectKind = RunEffect['kind']
