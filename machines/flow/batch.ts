/**
 * Event batching (`batchEvents: { maxSize, timeout, key?, if? }`) for one batch key: events
 * collect until the batch holds `maxSize` or `timeout` has passed since its first event, then one
 * run receives them all (`events[]`, `event` = the first). `if` is evaluated by the host before
 * `addToBatch`: an ineligible event starts its own run and never reaches the batch.
 *
 * An event that arrives after the batch fell due but before the host flushed it (a late alarm)
 * joins that batch, which then flushes at once, as Inngest's timeout job takes whatever the
 * batch holds when it runs. Every added event is flushed exactly once.
 */

/** Batch limits: `maxSize` events (≥ 1), `timeoutMs` from the first event. */
export interface BatchOptions {
  readonly maxSize: number
  readonly timeoutMs: number
}

/** The open batch: its events in arrival order and when it falls due. */
export interface OpenBatch<Event> {
  readonly events: readonly Event[]
  readonly firstAt: number
  /** firstAt + timeout. */
  readonly dueAt: number
}

/** A batch key's persisted state: plain JSON when the events are. */
export interface BatchState<Event> {
  readonly open: OpenBatch<Event> | null
}

/** What a call decided. */
export interface BatchDecision<Event> {
  readonly state: BatchState<Event>
  /** A complete batch: start one run with these events. */
  readonly flush: readonly Event[] | undefined
  /** When the open batch falls due: the host's alarm. Undefined with no open batch. */
  readonly wakeAt: number | undefined
}

/** No open batch. */
export function emptyBatch<Event>(): BatchState<Event> {
  return { open: null }
}

/** Adds `event` at `now`; flushes the batch if that makes it full, or if it was already due. */
export function addToBatch<Event>(state: BatchState<Event>, event: Event, now: number, options: BatchOptions): BatchDecision<Event> {
  const open: OpenBatch<Event> = state.open
    ? { ...state.open, events: [...state.open.events, event] }
    : { events: [event], firstAt: now, dueAt: now + options.timeoutMs }
  if (open.events.length >= Math.max(1, options.maxSize) || now >= open.dueAt) return { state: { open: null }, flush: open.events, wakeAt: undefined }
  return { state: { open }, flush: undefined, wakeAt: open.dueAt }
}

/** Flushes the open batch if it is due at `now` (the host's alarm fired), else nothing. */
export function flushDueBatch<Event>(state: BatchState<Event>, now: number): BatchDecision<Event> {
  if (state.open === null) return { state, flush: undefined, wakeAt: undefined }
  if (now < state.open.dueAt) return { state, flush: undefined, wakeAt: state.open.dueAt }
  return { state: { open: null }, flush: state.open.events, wakeAt: undefined }
}
