/**
 * The slot actor's queues as rows, under the pure cores of machines/flow, which work on whole
 * lists. An operation reads a window, the head of the queue as far as one call of the core can
 * serve (a concurrency pool grants at most `limit` slots at once, a throttle starts at most
 * `limit + burst`), plus the caller's own row; runs the core on that; and writes back only what
 * changed: the rows served or withdrawn, the row added. A hand-off costs the window, not the
 * queue, so a hot key may hold 100,000 queued runs.
 *
 * Why the window decides as the whole queue would: the core serves from the front, never more
 * than the window's head; a run it adds sorts into the window or after it, and after it means at
 * least `limit` runs ahead of it, so it is not served now either; a run it withdraws is in the
 * window (its own row is read). A property test checks this against the core on whole lists.
 */
import {
  drainThrottle,
  enqueueThrottled,
  type ConcurrencyState,
  type ConcurrencyWaiter,
  type ThrottleDecision,
  type ThrottleState,
} from '../machines/index.js'
import type { QueuedRow, SlotStore } from './storage/slot-store.js'
import type { RunAddress } from './storage/stream-store.js'

/** A run queued behind a throttle: its id, or its id and host when another object hosts it. */
export type ThrottledRun = string | { readonly runId: string; readonly host: RunAddress }

const throttledRunId = (item: ThrottledRun) => (typeof item === 'string' ? item : item.runId)

/** The row changes an operation made, to apply in the transaction that stores its new state. */
export type QueueChanges = () => void

/** What a windowed operation decided: the core's decision (its state without the queue) and the row changes. */
export interface Windowed<D> {
  readonly decision: D
  readonly changes: QueueChanges
}

/** Row changes from a window before and after the core ran. */
function diff<Item>(store: SlotStore, before: readonly Item[], after: readonly Item[], idOf: (item: Item) => string, placeOf: (item: Item) => { orderAt: number; seq: number }): QueueChanges {
  const beforeIds = new Set(before.map(idOf))
  const afterIds = new Set(after.map(idOf))
  const removed = before.filter((item) => !afterIds.has(idOf(item))).map(idOf)
  const added = after.filter((item) => !beforeIds.has(idOf(item))).map((item): QueuedRow<Item> => ({ runId: idOf(item), ...placeOf(item), item }))
  return () => {
    store.removeQueued(removed)
    store.addQueued(added)
  }
}

/**
 * Runs a concurrency-core operation on `pool` (its stored state: leases and counters) with the
 * window of its waiting runs; `runId` is the caller's run, whose own row joins the window.
 */
export function onPoolWindow<D extends { readonly state: ConcurrencyState }>(store: SlotStore, pool: ConcurrencyState, runId: string | undefined, operation: (pool: ConcurrencyState) => D): Windowed<D> {
  const head = store.queueHead<ConcurrencyWaiter>(Math.max(1, pool.limit))
  const own = runId !== undefined && !head.some((row) => row.runId === runId) ? store.queuedRow<ConcurrencyWaiter>(runId) : undefined
  const window = [...head, ...(own ? [own] : [])].map((row) => row.item)
  const decision = operation({ ...pool, waiting: window })
  const changes = diff(store, window, decision.state.waiting, (waiter) => waiter.runId, (waiter) => ({ orderAt: waiter.orderAt, seq: waiter.seq }))
  return { decision: { ...decision, state: { ...decision.state, waiting: [] } }, changes }
}

/** The most runs one throttle call can start: everything its burst allows at once, and one more. */
const throttleWindowSize = (throttle: ThrottleState<unknown>) => throttle.limit + throttle.burst + 1

/**
 * Drains the throttle's window (`item` set: queues it at the back first). Returns null when
 * `item` is already queued. The stored state keeps no queue.
 */
export function onThrottleWindow(store: SlotStore, throttle: ThrottleState<ThrottledRun>, now: number, item?: ThrottledRun): Windowed<ThrottleDecision<ThrottledRun>> | null {
  if (item !== undefined && store.queuedRow(throttledRunId(item))) return null
  const size = throttleWindowSize(throttle)
  const head = store.queueHead<ThrottledRun>(size)
  const seqOf = new Map(head.map((row) => [row.runId, row.seq]))
  const window = head.map((row) => row.item)
  const state = { ...throttle, queue: window }
  let tail: QueuedRow<ThrottledRun> | undefined
  let decision: ThrottleDecision<ThrottledRun>
  if (item === undefined) decision = drainThrottle(state, now)
  else {
    const seq = store.nextQueueSeq()
    seqOf.set(throttledRunId(item), seq)
    // A full window has as many runs ahead as one call can start: the new one waits at the back.
    if (head.length < size) decision = enqueueThrottled(state, item, now)
    else {
      tail = { runId: throttledRunId(item), orderAt: seq, seq, item }
      decision = drainThrottle(state, now)
    }
  }
  const rowChanges = diff(store, window, decision.state.queue, throttledRunId, (queued) => {
    const seq = seqOf.get(throttledRunId(queued))!
    return { orderAt: seq, seq }
  })
  const changes = () => {
    rowChanges()
    if (tail) store.addQueued([tail])
  }
  return { decision: { ...decision, state: { ...decision.state, queue: [] } }, changes }
}
