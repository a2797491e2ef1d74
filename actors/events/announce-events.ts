/**
 * How a finished run announces its system events (`inngest/function.finished`, `.failed`,
 * `.cancelled`): published like any event, claimed in the event index first (durable, in the
 * outbox until routed, listed by `GET /v1/events`), then through the queue rather than delivered
 * by the run itself, so the consumer records a whole batch of them in their stream in one call.
 * Their ids derive from the run (`<runId>-finished`), so announcing again after a crash reaches
 * the same index row, stream entry and derived run ids. The run's effect row is deleted only once
 * the claim and the queue send succeeded.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { publishEvents, type PublishEnv } from './publish-events.js'

export { SYSTEM_EVENT_NAMES } from './system-event-names.js'

/** Claims and queues a run's system events (ids already derived from the run). */
export async function announceEvents(env: PublishEnv, events: readonly RunEventPayload[]): Promise<void> {
  // No size limit: `function.finished` carries the trigger and the output, and must go out.
  await publishEvents(env, events, { via: 'queue', system: true, maxBytes: Number.POSITIVE_INFINITY })
}
