/**
 * The outbox's re-drive: what an index shard's alarm does with events claimed but not marked
 * routed by their due time (their publisher crashed, a queue message was lost, delivery failed).
 * They go through the queue again (large ones as claim checks), or, in a worker without the
 * queue bound, are delivered right here. Each re-drive makes the event due again later
 * (`redriveDelay`), so one lost again is re-driven again, until it is routed or expires.
 */
import type { RunEventPayload } from '../engine/executor.js'
import type { EventIndexStore } from '../storage/event-index-store.js'
import { deliverAndMark, QUEUE_LEASE_MS, type PublishEnv } from './publish-events.js'
import { eventQueues } from './event-queues.js'
import { messageFor, QUEUE_INLINE_BYTES, refMessage, sendSpread, type SizedMessage } from './queue-events.js'

/** Events re-driven per alarm; more are due at once and the alarm comes straight back. */
const REDRIVE_BATCH = 200
/** Re-drives after which an event is worth an error line each time (it keeps being re-driven). */
const STUBBORN_ATTEMPTS = 5

/** Re-drives up to REDRIVE_BATCH overdue events of `store`; returns how many. */
export async function redriveOverdue(store: EventIndexStore, env: PublishEnv, now: number): Promise<number> {
  const overdue = store.takeOverdue(now, REDRIVE_BATCH, QUEUE_LEASE_MS)
  for (const row of overdue) {
    if (row.attempts >= STUBBORN_ATTEMPTS) console.error(`inngest.do: event ${row.id} (${row.name}) is still not routed after ${row.attempts} re-drives`)
  }
  if (overdue.length === 0) return 0
  // Length in UTF-16 units bounds the bytes at 3 per unit: only events surely small travel whole.
  const small = (length: number) => length * 3 <= QUEUE_INLINE_BYTES
  const queues = eventQueues(env)
  if (queues.length === 0) {
    const lengths = new Map(overdue.map((row) => [row.id, row.length]))
    const events = overdue.map((row) => store.get(row.id)?.event).filter((event): event is RunEventPayload => event !== undefined)
    await deliverAndMark(env, events, (event) => lengths.get(event.id)! * 3)
    return overdue.length
  }
  const messages: SizedMessage[] = overdue.flatMap((row) => {
    if (!small(row.length)) return [refMessage(row.id, row.name)]
    const stored = store.get(row.id)
    return stored ? [messageFor(stored.event, row.length * 3)] : []
  })
  await sendSpread(queues, messages)
  return overdue.length
}
