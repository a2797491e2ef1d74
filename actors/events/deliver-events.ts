/**
 * Delivering events: what an event does once it is durably claimed. Every function it triggers
 * gets its run (through its flow gates) while its name's event stream records it and answers
 * the waits and cancellations it resolves (a group of one name's events in one call); then
 * every wait it resolves gets its answer, every run it cancels its cancellation.
 *
 * The same code serves both ways in: the publisher right after the claim (the hot path: no
 * queue batch window between an event and its run) and the queue consumer (large publishes and
 * the outbox's re-drives). Every part is idempotent (run ids derive from the event id, the
 * stream answers a redelivered event as it did the first time), so delivering twice is harmless
 * and delivering after a crash finishes what was cut short.
 */
import type { RunEventPayload } from '../engine/executor.js'
import { eventStreamStub, type EventStreamActor, type StreamMatch } from '../event-stream-actor.js'
import type { FlowGateEnv } from '../flow-gate-rpc.js'
import { registeredFunctions } from '../registry.js'
import { hostedRunStub } from '../run-actor.js'
import { applyFlowGates } from './apply-flow-gates.js'
import { triggeredBy } from './trigger-match.js'

/** The bindings delivery uses (and any binding a hosted run's address names). */
export interface DeliverEnv extends FlowGateEnv {
  readonly INNGEST_EVENT_STREAMS: DurableObjectNamespace<EventStreamActor>
}

/** The most one stream call carries: Workers RPC takes 32 MiB, and an isolate has 128 MB. */
const MAX_GROUP_BYTES = 8 * 1024 * 1024

/**
 * Starts the runs `event` triggers, each through its function's flow gates; resolves once every
 * run actor, or the gate that will start the run later, has persisted it.
 * @returns the ids of the runs started or recorded as skipped now.
 */
export async function startRunsFor(event: RunEventPayload, env: FlowGateEnv): Promise<string[]> {
  const triggered = registeredFunctions().filter(([, fn]) => triggeredBy(fn.options.triggers, event))
  const outcomes = await Promise.all(triggered.map(([functionId, fn]) => applyFlowGates(event, functionId, fn, env)))
  return outcomes.flatMap((outcome) => ('runId' in outcome ? [outcome.runId] : []))
}

/** Resolves the waits and cancels the runs the stream says `event` matched. */
async function answerMatches(event: RunEventPayload, matches: readonly StreamMatch[], env: DeliverEnv): Promise<void> {
  await Promise.all(
    matches.map((match) => {
      // A run embedded in a user's Durable Object is answered there, not in INNGEST_RUNS.
      const run = hostedRunStub(env, match.runId, match.host)
      return match.kind === 'wait' ? run.resolveWait(match.stepKey, event) : run.cancel(`Cancelled by event ${event.name} (${event.id})`)
    }),
  )
}

/** `events` by name, then cut into groups of at most MAX_GROUP_BYTES, each in arrival order. */
function streamGroups(events: readonly RunEventPayload[], sizeOf: (event: RunEventPayload) => number): RunEventPayload[][] {
  const byName = new Map<string, RunEventPayload[][]>()
  const bytes = new Map<RunEventPayload[], number>()
  for (const event of events) {
    const groups = byName.get(event.name) ?? byName.set(event.name, []).get(event.name)!
    let last = groups.at(-1)
    const size = sizeOf(event)
    if (!last || (last.length > 0 && bytes.get(last)! + size > MAX_GROUP_BYTES)) {
      last = []
      groups.push(last)
      bytes.set(last, 0)
    }
    last.push(event)
    bytes.set(last, bytes.get(last)! + size)
  }
  return [...byName.values()].flat()
}

/**
 * Delivers `events`: each event's runs, and beside them one stream call per name group, then
 * the answers to what the stream matched. Never rejects: `result[i]` is undefined when `events[i]` was delivered, else why
 * not (the caller retries it, or leaves it to the outbox).
 * @param sizeOf an event's JSON size in bytes, or a bound on it (groups stay under 8 MiB)
 */
export async function deliverEvents(events: readonly RunEventPayload[], env: DeliverEnv, sizeOf: (event: RunEventPayload) => number): Promise<unknown[]> {
  const failures = new Map<RunEventPayload, unknown>()
  const failed = (event: RunEventPayload) => (error: unknown) => void failures.set(event, error)
  await Promise.all([
    // Runs start beside the stream call, not after it: neither needs the other's answer (a run's
    // own waits find this event by lookback or by ingest, whichever comes second).
    ...events.map((event) => startRunsFor(event, env).catch(failed(event))),
    ...streamGroups(events, sizeOf).map(async (group) => {
      let matches: StreamMatch[][]
      try {
        matches = await eventStreamStub(env.INNGEST_EVENT_STREAMS, group[0]!.name).ingestAll(group)
        // Acting on an event without its matches would lose them for good: fail it instead.
        if (matches.length !== group.length) throw new Error(`the stream answered ${matches.length} of ${group.length} events`)
      } catch (error) {
        for (const event of group) failures.set(event, error)
        return
      }
      await Promise.all(group.map((event, index) => answerMatches(event, matches[index]!, env).catch(failed(event))))
    }),
  ])
  return events.map((event) => failures.get(event))
}
