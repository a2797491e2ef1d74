/**
 * Where the event index keeps an id: `hashString(id) % count`, Durable Object `events:<shard>`.
 * The count is `INNGEST_EVENT_INDEX_SHARDS` (default 16). Changing it moves most ids to another
 * shard, so while ids stored under the old count are still looked up and deduplicated
 * (`INNGEST_EVENT_INDEX_SHARDS_PREVIOUS` set), an id is looked for in its shard under the current
 * count, then under the previous one. Pure: no I/O, the env comes in as strings.
 * See README.md beside this file, "Changing the shard count".
 */
import { hashString } from '../../machines/prng.js'
import { shardCountSetting } from '../engine/positive-setting.js'

/** The shard count when `INNGEST_EVENT_INDEX_SHARDS` is unset: the count every deployment had before it existed. */
export const DEFAULT_EVENT_INDEX_SHARDS = 16

/** The variables that set the shard count. */
export interface IndexShardsEnv {
  /** How many event index shards new events go to (a positive integer, default 16). */
  readonly INNGEST_EVENT_INDEX_SHARDS?: string
  /** While changing the count: the count before, whose shards are still read and deduplicated against. */
  readonly INNGEST_EVENT_INDEX_SHARDS_PREVIOUS?: string
}

/** The shard counts in force: where ids go now and, during a change, where they went before. */
export interface IndexShards {
  readonly current: number
  /** The count before a change, while it is still read; null when unset or equal to `current`. */
  readonly previous: number | null
}

/**
 * The counts `env` sets. A count that is set but not a positive integer throws rather than
 * falling back as other settings do: a silent 16 would file ids where no lookup finds them.
 * @throws TypeError naming the variable and the fix
 */
export function indexShards(env: IndexShardsEnv): IndexShards {
  const current = shardCountSetting('INNGEST_EVENT_INDEX_SHARDS', env.INNGEST_EVENT_INDEX_SHARDS, DEFAULT_EVENT_INDEX_SHARDS) ?? DEFAULT_EVENT_INDEX_SHARDS
  const previous = shardCountSetting('INNGEST_EVENT_INDEX_SHARDS_PREVIOUS', env.INNGEST_EVENT_INDEX_SHARDS_PREVIOUS, DEFAULT_EVENT_INDEX_SHARDS)
  return { current, previous: previous === current ? null : previous }
}

/** The shard of `id` among `count` shards (default 16: where every id went before the count was configurable). */
export function shardOf(id: string, count = DEFAULT_EVENT_INDEX_SHARDS): number {
  return hashString(id) % count
}

/** The shard that claims `id` now. */
export function homeShard(shards: IndexShards, id: string): number {
  return shardOf(id, shards.current)
}

/** The shard `id` was claimed in under the previous count, when that is another shard; else null. */
export function previousShard(shards: IndexShards, id: string): number | null {
  if (shards.previous === null) return null
  const before = shardOf(id, shards.previous)
  return before === homeShard(shards, id) ? null : before
}

/** The shards `id` may be stored in, in the order to look: the current one, then the previous one. */
export function lookupShards(shards: IndexShards, id: string): number[] {
  const before = previousShard(shards, id)
  return before === null ? [homeShard(shards, id)] : [homeShard(shards, id), before]
}

/** Every shard that may hold events: 0 … max(current, previous) − 1. */
export function listedShards(shards: IndexShards): number[] {
  return Array.from({ length: Math.max(shards.current, shards.previous ?? 0) }, (_, shard) => shard)
}

/** `items` grouped by shard: each is in the group of every shard `shardsFor` its id (`idOf`), in input order. */
export function groupByShard<T>(items: readonly T[], idOf: (item: T) => string, shardsFor: (id: string) => readonly number[]): Map<number, T[]> {
  const byShard = new Map<number, T[]>()
  for (const item of items) {
    for (const shard of shardsFor(idOf(item))) {
      const batch = byShard.get(shard)
      if (batch) batch.push(item)
      else byShard.set(shard, [item])
    }
  }
  return byShard
}
