/**
 * Talking to an event name's stream when it is sharded (stream-shards.ts): a registration goes to
 * every shard, an answer to one. A run takes one event per wait, so when several shards answer
 * the same wait, the run's choice is final and the other shards let go of theirs:
 *
 * - at registration, each shard looks back over its own events; the first to arrive of their
 *   finds is the answer, and the shards that found another event close the registration;
 * - an event matched live is delivered to the run; if the run took it, the other shards close the
 *   registration (if not, the run's own choice closes it in this shard the same way);
 * - an event a closed registration held goes back to the run's other waits in that shard, and
 *   is delivered the same way (`Reoffer`).
 *
 * With one shard (the default) this is the single stream: one call each, nothing to let go of.
 */
import { CANCELLED } from '../cancellation-reasons.js'
import type { RunEventPayload } from '../engine/executor.js'
import type { EventStreamActor, RecordedEvent, Reoffer, StreamMatch } from '../event-stream-actor.js'
import { eventStreamStub } from '../event-stream-stub.js'
import type { RunActorEnv } from '../run-actor.js'
import { hostedRunStub } from '../run-actor-stub.js'
import type { WaitRegistration } from '../storage/stream-store.js'
import { registrationShards, streamShardCounts, type StreamShardSettings } from './stream-shards.js'

/** The bindings sharded streams need: the streams, their settings, and the runs they answer. */
export interface ShardedStreamEnv extends StreamShardSettings, Pick<RunActorEnv, 'INNGEST_RUNS'> {
  readonly INNGEST_EVENT_STREAMS: DurableObjectNamespace<EventStreamActor>
}

const stream = (env: ShardedStreamEnv, name: string, shard: number) => eventStreamStub(env.INNGEST_EVENT_STREAMS, name, shard)

/** The first to arrive of events found in different shards (ties, in one millisecond: by id). */
function firstArrived(finds: readonly RecordedEvent[]): RecordedEvent | undefined {
  return finds.reduce<RecordedEvent | undefined>((first, find) => (!first || find.receivedAt < first.receivedAt || (find.receivedAt === first.receivedAt && find.event.id < first.event.id) ? find : first), undefined)
}

/**
 * Registers a wait or cancellation in every shard of its name; returns the event that already
 * matched it (lookback), if any: of the shards' finds, the first to arrive. The shards let go of the
 * others once the run has taken one (`closeInShards` with the event it took).
 */
export async function registerInShards(env: ShardedStreamEnv, registration: WaitRegistration): Promise<RunEventPayload | null> {
  const shards = registrationShards(streamShardCounts(env))
  // One shard answers as a single stream always did.
  if (shards.length === 1) return stream(env, registration.event, 0).register(registration)
  const found = await Promise.all(shards.map((shard) => stream(env, registration.event, shard).registerFinding(registration)))
  return firstArrived(found.filter((find) => find !== null))?.event ?? null
}

/**
 * Closes `runId`'s registration at `stepKey` in every shard of `name` (but `except`), save where
 * `keep` (the event the run took) resolved it; delivers what the closing released.
 */
export async function closeInShards(env: ShardedStreamEnv, runId: string, name: string, stepKey: string, keep?: string, except?: number): Promise<void> {
  const shards = registrationShards(streamShardCounts(env)).filter((shard) => shard !== except)
  await Promise.all(shards.map(async (shard) => deliverReoffer(env, shard, await stream(env, name, shard).close(runId, stepKey, keep))))
}

/**
 * Settles a wait the run answered: `took` is the event it holds for the step (null: none, it
 * timed out). With one shard, a registration the stream resolved can only hold that event, so
 * there is nothing to let go of.
 */
export async function settleInShards(env: ShardedStreamEnv, runId: string, name: string, stepKey: string, took: string | null): Promise<void> {
  if (took !== null && registrationShards(streamShardCounts(env)).length === 1) return
  await closeInShards(env, runId, name, stepKey, took ?? undefined)
}

/** Drops a finished run's registrations from every shard of each of `names`. */
export async function forgetInShards(env: ShardedStreamEnv, runId: string, names: readonly string[]): Promise<void> {
  const shards = registrationShards(streamShardCounts(env))
  await Promise.all(names.flatMap((name) => shards.map((shard) => stream(env, name, shard).forget(runId))))
}

/**
 * Answers what shard `shard` matched `event` to: cancels the run, or resolves the wait and, if
 * the run took this event, closes the registration in the other shards.
 */
export async function answerMatch(env: ShardedStreamEnv, shard: number, event: RunEventPayload, match: StreamMatch): Promise<void> {
  if (match.kind === 'cancel') return void (await hostedRunStub(env, match.runId, match.host).cancel(CANCELLED.byEvent(event.name, event.id)))
  await resolveInShards(env, shard, event, match)
}

/**
 * Resolves the wait `match` names with `event`, found in shard `shard`; if the run took it, closes
 * the registration in the other shards.
 * @returns whether the run took `event` (false: it holds another, or its wait timed out)
 */
export async function resolveInShards(env: ShardedStreamEnv, shard: number, event: RunEventPayload, match: StreamMatch): Promise<boolean> {
  // A run embedded in a user's Durable Object is answered there, not in INNGEST_RUNS. Hosts that
  // forward resolveWait without its answer (void) are taken at their word. A run that took
  // another event lets go of this one where it took that (closeInShards after a lookback, this
  // function after a live match) or when its wait timed out (its close effect).
  const took = (await hostedRunStub(env, match.runId, match.host).resolveWait(match.stepKey, event)) ?? event.id
  if (took !== event.id) return false
  if (registrationShards(streamShardCounts(env)).length > 1) await closeInShards(env, match.runId, event.name, match.stepKey, took, shard)
  return true
}

async function deliverReoffer(env: ShardedStreamEnv, shard: number, reoffer: Reoffer | null): Promise<void> {
  if (reoffer) await answerMatch(env, shard, reoffer.event, reoffer.match)
}
