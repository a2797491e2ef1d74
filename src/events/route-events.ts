/**
 * The queue consumer. For each event: record it in its name's event stream (which answers the
 * waits and cancellations it resolves), start one run per function it triggers, then resolve
 * those waits and cancel those runs. Delivery is at-least-once and every step is idempotent:
 * run ids are derived from (event id, function), and the stream returns the same matches for a
 * redelivered event.
 */
import { eventStreamStub, registeredFunctions, runActorStub, type RunEventPayload } from '../../actors/index.js'
import type { InngestEnv } from '../env.js'
import { applyFlowGates } from './apply-gates.js'
import { armSchedulesQuietly } from './arm-schedules.js'
import { namedBy, triggeredBy } from './trigger-match.js'

/** The composite ids of functions with a trigger naming `eventName` (before `if` filtering). */
export function functionsFor(eventName: string): string[] {
  return registeredFunctions()
    .filter(([, fn]) => namedBy(fn.options.triggers, eventName))
    .map(([id]) => id)
}

/**
 * Starts the runs `event` triggers, each through its function's flow gates (apply-gates.ts);
 * resolves once every run actor, or the gate that will start the run later, has persisted it.
 * @returns the ids of the runs started or recorded as skipped now (debounced and batched events
 * start theirs later, from their gate).
 */
export async function startRunsFor(event: RunEventPayload, env: Pick<InngestEnv, 'INNGEST_RUNS' | 'INNGEST_FLOW_GATES'>): Promise<string[]> {
  const triggered = registeredFunctions().filter(([, fn]) => triggeredBy(fn.options.triggers, event))
  const outcomes = await Promise.all(triggered.map(([functionId, fn]) => applyFlowGates(event, functionId, fn, env)))
  return outcomes.flatMap((outcome) => ('runId' in outcome ? [outcome.runId] : []))
}

/** Routes one event: stream (waits, cancellations), then runs. */
export async function routeEvent(event: RunEventPayload, env: Pick<InngestEnv, 'INNGEST_RUNS' | 'INNGEST_EVENT_STREAMS' | 'INNGEST_FLOW_GATES'>): Promise<void> {
  const matches = await eventStreamStub(env.INNGEST_EVENT_STREAMS, event.name).ingest(event)
  await Promise.all([
    startRunsFor(event, env),
    ...matches.map((match) => {
      const run = runActorStub(env.INNGEST_RUNS, match.runId)
      return match.kind === 'wait' ? run.resolveWait(match.stepKey, event) : run.cancel(`Cancelled by event ${event.name} (${event.id})`)
    }),
  ])
}

/**
 * The worker's `queue` handler: `export default { fetch: app.fetch, queue: routeEvents }`.
 * A message that could not be routed is retried, then dead-lettered (see wrangler.toml).
 */
export async function routeEvents(batch: MessageBatch<RunEventPayload>, env: InngestEnv): Promise<void> {
  await Promise.all([
    armSchedulesQuietly(env), // once per isolate: cron schedules need no event to start
    ...batch.messages.map(async (message) => {
      try {
        await routeEvent(message.body, env)
        message.ack()
      } catch (error) {
        console.error(`inngest.do: could not route event ${message.body?.id}:`, error)
        message.retry()
      }
    }),
  ])
}
