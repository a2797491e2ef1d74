/**
 * Delivering events: what an event does once it is durably claimed. Every function it triggers
 * gets its run (through its flow gates, one call per gate object for the whole delivery) while
 * its name's event stream records it and answers the waits and cancellations it resolves (a
 * group of one name's events per stream shard in one call); then every wait it resolves gets
 * its answer, every run it cancels its cancellation.
 *
 * The same code serves both ways in: the publisher right after the claim (the hot path: no
 * queue batch window between an event and its run) and the queue consumer (large publishes and
 * the outbox's re-drives). Every part is idempotent (run ids derive from the event id, the
 * stream answers a redelivered event as it did the first time), so delivering twice is harmless
 * and delivering after a crash finishes what was cut short.
 */
import type { RunEventPayload } from '../engine/executor.js'
import type { StreamMatch } from '../event-stream-actor.js'
import { eventStreamStub } from '../event-stream-stub.js'
import type { FlowGateEnv } from '../flow-gate-rpc.js'
import { registeredFunctions } from '../registry.js'
import { applyFlowGatesToEach } from './apply-flow-gates.js'
import { answerMatch, type ShardedStreamEnv } from './sharded-streams.js'
import { shardsOfEvent, streamShardCounts } from './stream-shards.js'
import { triggeredBy } from './trigger-match.js'
import { ensureSyncedFunctions } from '../apps/synced-functions.js'

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
  const [started] = await startRunsForAll([event], env, () => 0)
  if (started!.status === 'rejected') throw started!.reason
  return started!.value
}

/**
 * `startRunsFor` for each of `events`, with one call per flow gate object per stage for the
 * whole batch (apply-flow-gates.ts): the outcomes are those of one event at a time, in order.
 * Never rejects.
 * @param sizeOf an event's JSON size in bytes, or a bound on it (gate calls stay under 16 MiB)
 * @returns per event, in order: the ids of the runs started or recorded as skipped now, or the
 * error that failed one of its functions (retry the event: every part is idempotent)
 */
export async function startRunsForAll(events: readonly RunEventPayload[], env: FlowGateEnv, sizeOf?: (event: RunEventPayload) => number): Promise<Array<PromiseSettledResult<string[]>>> {
  // Synced apps' functions (issue 15) route like the worker's own: loaded into this isolate's registry.
  await ensureSyncedFunctions(env)
  const functions = registeredFunctions()
  const errors = new Map<number, unknown>()
  // Per function (in registration order), the positions of the events that trigger it.
  const triggering = functions.map(() => [] as number[])
  events.forEach((event, index) => {
    try {
      const hits = functions.flatMap(([, fn], at) => (triggeredBy(fn.options.triggers, event) ? [at] : []))
      for (const at of hits) triggering[at]!.push(index)
    } catch (error) {
      errors.set(index, error)
    }
  })
  const runIds = events.map(() => functions.map(() => [] as string[]))
  await Promise.all(
    functions.map(async ([functionId, fn], at) => {
      const positions = triggering[at]!
      if (positions.length === 0) return
      const settled = await applyFlowGatesToEach(positions.map((index) => events[index]!), functionId, fn, env, sizeOf)
      settled.forEach((result, k) => {
        const index = positions[k]!
        if (result.status === 'fulfilled') {
          if ('runId' in result.value) runIds[index]![at]!.push(result.value.runId)
        } else if (!errors.has(index)) errors.set(index, result.reason)
      })
    }),
  )
  return events.map((_, index) => (errors.has(index) ? { status: 'rejected', reason: errors.get(index) } : { status: 'fulfilled', value: runIds[index]!.flat() }))
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
    startRunsForAll(events, env, sizeOf).then((started) =>
      started.forEach((result, index) => {
        if (result.status === 'rejected') failures.set(events[index]!, result.reason)
      }),
    ),
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
