/**
 * The queue consumer. For each event: record it in its name's event stream (which answers the
 * waits and cancellations it resolves; a batch's events of one name go in one call), start one
 * run per function it triggers, then resolve those waits and cancel those runs. Delivery is
 * at-least-once and every step is idempotent: run ids are derived from (event id, function), and
 * the stream returns the same matches for a redelivered event.
 */
import { applyFlowGates, eventStreamStub, fileAnnounced, hostedRunStub, registeredFunctions, SYSTEM_EVENT_NAMES, type RunEventPayload, type StreamMatch } from '../../actors/index.js'
import type { InngestEnv } from '../env.js'
import { armSchedulesQuietly } from './arm-schedules.js'
import { namedBy, triggeredBy } from './trigger-match.js'

/** The composite ids of functions with a trigger naming `eventName` (before `if` filtering). */
export function functionsFor(eventName: string): string[] {
  return registeredFunctions()
    .filter(([, fn]) => namedBy(fn.options.triggers, eventName))
    .map(([id]) => id)
}

/**
 * Starts the runs `event` triggers, each through its function's flow gates (actors/events/apply-flow-gates.ts);
 * resolves once every run actor, or the gate that will start the run later, has persisted it.
 * @returns the ids of the runs started or recorded as skipped now (debounced and batched events
 * start theirs later, from their gate).
 */
export async function startRunsFor(event: RunEventPayload, env: Pick<InngestEnv, 'INNGEST_RUNS' | 'INNGEST_FLOW_GATES'>): Promise<string[]> {
  const triggered = registeredFunctions().filter(([, fn]) => triggeredBy(fn.options.triggers, event))
  const outcomes = await Promise.all(triggered.map(([functionId, fn]) => applyFlowGates(event, functionId, fn, env)))
  return outcomes.flatMap((outcome) => ('runId' in outcome ? [outcome.runId] : []))
}

type RouteEnv = Pick<InngestEnv, 'INNGEST_RUNS' | 'INNGEST_EVENT_STREAMS' | 'INNGEST_FLOW_GATES'>

/** What follows the stream's answer for one event: start its runs, resolve its waits, cancel its runs. */
async function actOnEvent(event: RunEventPayload, matches: readonly StreamMatch[], env: RouteEnv): Promise<void> {
  await Promise.all([
    startRunsFor(event, env),
    ...matches.map((match) => {
      // A run embedded in a user's Durable Object is answered there, not in INNGEST_RUNS.
      const run = hostedRunStub(env, match.runId, match.host)
      return match.kind === 'wait' ? run.resolveWait(match.stepKey, event) : run.cancel(`Cancelled by event ${event.name} (${event.id})`)
    }),
  ])
}

/** Routes one event: stream (waits, cancellations), then runs. */
export async function routeEvent(event: RunEventPayload, env: RouteEnv): Promise<void> {
  const matches = await eventStreamStub(env.INNGEST_EVENT_STREAMS, event.name).ingest(event)
  await actOnEvent(event, matches, env)
}

/** Whether a queued body has what routing needs; anything else could never be routed. */
function isRoutable(body: unknown): body is RunEventPayload {
  if (typeof body !== 'object' || body === null) return false
  const { name, id, ts } = body as Partial<RunEventPayload>
  return typeof name === 'string' && name !== '' && typeof id === 'string' && id !== '' && typeof ts === 'number'
}

/** The batch's routable messages by event name, each name's in batch order; the rest apart. */
function groupByName(messages: readonly Message<RunEventPayload>[]): { byName: Map<string, Message<RunEventPayload>[]>; malformed: Message<RunEventPayload>[] } {
  const byName = new Map<string, Message<RunEventPayload>[]>()
  const malformed: Message<RunEventPayload>[] = []
  for (const message of messages) {
    if (!isRoutable(message.body)) malformed.push(message)
    else if (byName.has(message.body.name)) byName.get(message.body.name)!.push(message)
    else byName.set(message.body.name, [message])
  }
  return { byName, malformed }
}

/**
 * Routes one name's messages: one `ingestAll` into its stream, then each event on its own, so a
 * failure after the stream retries only that message (the stream answers its redelivery alike).
 */
async function routeNameGroup(name: string, messages: readonly Message<RunEventPayload>[], env: RouteEnv & Pick<InngestEnv, 'INNGEST_EVENT_INDEX'>): Promise<void> {
  let matchesPerEvent: StreamMatch[][]
  const events = messages.map((message) => message.body)
  try {
    // System events were queued without an index claim (announce-events.ts): file them now.
    const [matches] = await Promise.all([
      eventStreamStub(env.INNGEST_EVENT_STREAMS, name).ingestAll(events),
      SYSTEM_EVENT_NAMES.has(name) ? fileAnnounced(env.INNGEST_EVENT_INDEX, events) : undefined,
    ])
    matchesPerEvent = matches
    // Acking an event without its matches would lose them for good: retry instead.
    if (matchesPerEvent.length !== messages.length) throw new Error(`the stream answered ${matchesPerEvent.length} of ${messages.length} events`)
  } catch (error) {
    console.error(`inngest.do: could not record ${messages.length} ${name} event(s) in their stream:`, error)
    for (const message of messages) message.retry()
    return
  }
  await Promise.all(
    messages.map(async (message, index) => {
      try {
        await actOnEvent(message.body, matchesPerEvent[index]!, env)
        message.ack()
      } catch (error) {
        console.error(`inngest.do: could not route event ${message.body.id}:`, error)
        message.retry()
      }
    }),
  )
}

/**
 * The worker's `queue` handler: `export default { fetch: app.fetch, queue: routeEvents }`.
 * One stream RPC per event name in the batch, not one per event (a fan-out sends many events
 * of one name). A message that could not be routed is retried, then dead-lettered (see
 * wrangler.toml).
 */
export async function routeEvents(batch: MessageBatch<RunEventPayload>, env: InngestEnv): Promise<void> {
  const { byName, malformed } = groupByName(batch.messages)
  for (const message of malformed) {
    console.error(`inngest.do: message ${message.id} holds no event (needs name, id and ts); retrying towards the dead-letter queue`)
    message.retry()
  }
  await Promise.all([
    armSchedulesQuietly(env), // once per isolate: cron schedules need no event to start
    ...[...byName].map(([name, messages]) => routeNameGroup(name, messages, env)),
  ])
}
