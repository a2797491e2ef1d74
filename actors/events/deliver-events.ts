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
import { eventStreamStub, type StreamMatch } from '../event-stream-actor.js'
import type { FlowGateEnv } from '../flow-gate-rpc.js'
import { registeredFunctions } from '../registry.js'
import { applyFlowGates } from './apply-flow-gates.js'
import { answerMatch, type ShardedStreamEnv } from './sharded-streams.js'
import { shardsOfEvent, streamShardCounts } from './stream-shards.js'
import { triggeredBy } from './trigger-match.js'

/** The bindings delivery uses (and any binding a hosted run's address names). */
export interface DeliverEnv extends FlowGateEnv, ShardedStreamEnv {}

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

/** A stream call's events: one name's, for one of its shards, in arrival order. */
interface StreamGroup {
  readonly shard: number
  readonly events: RunEventPayload[]
}

/** `events` by name and stream shard, then cut into groups of at most MAX_GROUP_BYTES, each in arrival order. */
function streamGroups(events: readonly RunEventPayload[], env: DeliverEnv, sizeOf: (event: RunEventPayload) => number): StreamGroup[] {
  const counts = streamShardCounts(env)
  const byStream = new Map<string, StreamGroup[]>()
  const bytes = new Map<StreamGroup, number>()
  for (const event of events) {
    const size = sizeOf(event)
    // During a change of shard count an event goes to its shard under each count.
    for (const shard of shardsOfEvent(counts, event.id)) {
      const key = `${shard}:${event.name}`
      const groups = byStream.get(key) ?? byStream.set(key, []).get(key)!
      let last = groups.at(-1)
      if (!last || bytes.get(last)! + size > MAX_GROUP_BYTES) {
        last = { shard, events: [] }
        groups.push(last)
        bytes.set(last, 0)
      }
      last.events.push(event)
      bytes.set(last, bytes.get(last)! + size)
    }
  }
  return [...byStream.values()].flat()
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
    ...streamGroups(events, env, sizeOf).map(async ({ shard, events: group }) => {
      let matches: StreamMatch[][]
      try {
        matches = await eventStreamStub(env.INNGEST_EVENT_STREAMS, group[0]!.name, shard).ingestAll(group)
        // Acting on an event without its matches would lose them for good: fail it instead.
        if (matches.length !== group.length) throw new Error(`the stream answered ${matches.length} of ${group.length} events`)
      } catch (error) {
        for (const event of group) failures.set(event, error)
        return
      }
      await Promise.all(group.flatMap((event, index) => matches[index]!.map((match) => answerMatch(env, shard, event, match).catch(failed(event)))))
    }),
  ])
  return events.map((event) => failures.get(event))
}
