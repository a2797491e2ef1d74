/**
 * How a run (or anything else) reports itself to the run index: one RPC to the entry's shard.
 * Idempotent: recording the same entry again changes nothing, an older state never overwrites a
 * newer one, so a retried or late report is harmless.
 */
import type { RunIndexEntry } from '../../machines/run-index-entry.js'
import { runIndexShard, runIndexStub, type RunIndexEnv } from './run-index-actor.js'

/** Records `entry` in its shard of the run index. */
export async function recordRunInIndex(env: RunIndexEnv, entry: RunIndexEntry): Promise<void> {
  await runIndexStub(env.INNGEST_RUN_INDEX, runIndexShard(entry.runId)).record([entry])
}

/** Records many entries, one call per shard, in parallel. */
export async function recordRunsInIndex(env: RunIndexEnv, entries: readonly RunIndexEntry[]): Promise<void> {
  const byShard = new Map<number, RunIndexEntry[]>()
  for (const entry of entries) {
    const shard = runIndexShard(entry.runId)
    byShard.set(shard, [...(byShard.get(shard) ?? []), entry])
  }
  await Promise.all([...byShard].map(([shard, batch]) => runIndexStub(env.INNGEST_RUN_INDEX, shard).record(batch)))
}
