/**
 * Debounce (`debounce: { period, key?, timeout? }`) for one key: one run after `period` with no
 * new matching event, receiving the last event; `timeout` caps the delay from the first event.
 *
 * dueAt = min(lastAt + period, firstAt + timeout). An event that arrives at or after `dueAt`
 * belongs to the next quiet period: the pending one fires first (even if the host's alarm is
 * late), so every quiet period fires exactly once.
 */

/** Debounce timings in ms. */
export interface DebounceOptions {
  readonly periodMs: number
  /** Cap on the delay from the first event of a period; none when omitted. */
  readonly timeoutMs?: number
}

/** The event a quiet period will run with, and when. */
export interface DebouncePending<Event> {
  /** The last event received: the one the run gets. */
  readonly event: Event
  /** When the period's first event arrived (epoch ms). */
  readonly firstAt: number
  /** When its last event arrived (epoch ms). */
  readonly lastAt: number
  /** When it fires: min(lastAt + period, firstAt + timeout). */
  readonly dueAt: number
  /** Events received in this period (the run gets only the last). */
  readonly count: number
}

/** A debounce key's persisted state: plain JSON when the events are. */
export interface DebounceState<Event> {
  readonly pending: DebouncePending<Event> | null
}

/** What a call decided. */
export interface DebounceDecision<Event> {
  readonly state: DebounceState<Event>
  /** A period that ended: start one run with `fire.event`. */
  readonly fire: DebouncePending<Event> | undefined
  /** When the pending period is due: the host's alarm. Undefined when nothing is pending. */
  readonly wakeAt: number | undefined
}

/** Nothing pending. */
export function emptyDebounce<Event>(): DebounceState<Event> {
  return { pending: null }
}

/**
 * Records `event` at `now`: it replaces the pending event and pushes `dueAt` back, up to the
 * timeout. If the pending period was already due, it fires and `event` starts a new one.
 */
export function pushDebounce<Event>(state: DebounceState<Event>, event: Event, now: number, options: DebounceOptions): DebounceDecision<Event> {
  const due = state.pending !== null && now >= state.pending.dueAt ? state.pending : undefined
  const open = due ? null : state.pending
  const firstAt = open ? open.firstAt : now
  const dueAt = Math.min(now + options.periodMs, options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : firstAt + options.timeoutMs)
  const pending: DebouncePending<Event> = { event, firstAt, lastAt: now, dueAt, count: (open?.count ?? 0) + 1 }
  return { state: { pending }, fire: due, wakeAt: dueAt }
}

/** Fires the pending period if it is due at `now` (once: the state is cleared), else nothing. */
export function fireDebounce<Event>(state: DebounceState<Event>, now: number): DebounceDecision<Event> {
  const pending = state.pending
  if (pending === null) return { state, fire: undefined, wakeAt: undefined }
  if (now < pending.dueAt) return { state, fire: undefined, wakeAt: pending.dueAt }
  return { state: { pending: null }, fire: pending, wakeAt: undefined }
}
