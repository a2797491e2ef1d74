/**
 * Where an event name's stream lives: in `INNGEST_STREAM_SHARDS` objects (default 1), so one busy
 * name is not one object. An event is recorded in the shard its id hashes to; a wait or a
 * cancellation is registered in every shard (registrations are few and long-lived, events many),
 * so each shard matches its own events and looks back over its own. Shard 0 is the object a
 * single stream always was (`stream:<name>`): going from 1 to more shards keeps its data.
 *
 * Changing the count: set `INNGEST_STREAM_SHARDS_PREVIOUS` to the old count beside the new one
 * for as long as a wait may stay open (the longest `timeout`) or a lookback may reach back
 * (`INNGEST_LOOKBACK_HOURS`). Meanwhile an event goes to its shard under both counts and a
 * registration to every shard of either, so registrations made under the old count still see new
 * events and new ones see old events. See the README's "How it scales".
 */
import { hashString } from '../../machines/prng.js'
import { shardCountSetting } from '../engine/positive-setting.js'

/** The settings that shard the streams. */
export interface StreamShardSettings {
  readonly INNGEST_STREAM_SHARDS?: string
  readonly INNGEST_STREAM_SHARDS_PREVIOUS?: string
}

/** The shard counts in force: `previous` only during a change. */
export interface StreamShardCounts {
  readonly current: number
  readonly previous?: number
}

/**
 * The counts a worker configured (unset: one shard, no change under way).
 * @throws TypeError when one is set to anything but a positive integer, naming it and the fix
 */
export function streamShardCounts(settings: StreamShardSettings): StreamShardCounts {
  const current = shardCountSetting('INNGEST_STREAM_SHARDS', settings.INNGEST_STREAM_SHARDS, 1) ?? 1
  const previous = shardCountSetting('INNGEST_STREAM_SHARDS_PREVIOUS', settings.INNGEST_STREAM_SHARDS_PREVIOUS, 1) ?? current
  return previous === current ? { current } : { current, previous }
}

/** The shards an event is recorded in: its own, and during a change its own under the old count. */
export function shardsOfEvent(counts: StreamShardCounts, eventId: string): number[] {
  const hash = hashString(eventId)
  const own = hash % counts.current
  const before = counts.previous === undefined ? own : hash % counts.previous
  return before === own ? [own] : [own, before]
}

/** Every shard a registration goes to: all shards of the current count and, during a change, the old. */
export function registrationShards(counts: StreamShardCounts): number[] {
  return Array.from({ length: Math.max(counts.current, counts.previous ?? 0) }, (_, shard) => shard)
}

/** The object name of shard `shard` of `name`'s stream (no two (name, shard) pairs share one, whatever the name holds). */
export function streamObjectName(name: string, shard: number): string {
  return shard === 0 ? `stream:${name}` : `stream-shard:${shard}:${name}`
}
