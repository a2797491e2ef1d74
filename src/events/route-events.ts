/**
 * The queue consumer: starts one run per (event, function whose trigger names the event).
 * Delivery is at-least-once, so the run id is derived from the pair: a redelivered message
 * reaches the same run actor, whose `start` does nothing the second time.
 */
import { deriveRunId, registeredFunctions, runActorStub, type RunEventPayload } from '../../actors/index.js'
import type { InngestEnv } from '../env.js'
import { triggeredBy } from './trigger-match.js'

/** The composite ids of functions `event` starts. */
export function functionsFor(eventName: string): string[] {
  return registeredFunctions()
    .filter(([, fn]) => triggeredBy(fn.options.triggers, eventName))
    .map(([id]) => id)
}

/** Starts the runs of one event; resolves once every run actor has persisted its start. */
export async function startRunsFor(event: RunEventPayload, env: Pick<InngestEnv, 'INNGEST_RUNS'>): Promise<string[]> {
  return Promise.all(
    functionsFor(event.name).map(async (functionId) => {
      const runId = await deriveRunId(event.id, functionId, event.ts)
      await runActorStub(env.INNGEST_RUNS, runId).start({ runId, functionId, events: [event] })
      return runId
    }),
  )
}

/**
 * The worker's `queue` handler: `export default { fetch: app.fetch, queue: routeEvents }`.
 * A message whose runs could not be started is retried (and dead-lettered per wrangler.toml).
 */
export async function routeEvents(batch: MessageBatch<RunEventPayload>, env: InngestEnv): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await startRunsFor(message.body, env)
        message.ack()
      } catch (error) {
        console.error(`inngest.do: could not start runs for event ${message.body?.id}:`, error)
        message.retry()
      }
    }),
  )
}
