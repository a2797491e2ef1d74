/**
 * The run index (the dashboard's list of runs): its Durable Object class, how runs report to it
 * and how pages are read from its shards. Re-exported by `@dotdo/inngest/actors`.
 */
export { RunIndexActor, RUN_INDEX_SHARDS, countIndexedRuns, findIndexedRun, indexedRunsOfEvent, listIndexedRuns, newestFirst, openRunIndexFeed, runIndexShard, runIndexStub } from './run-index-actor.js'
export type { RunCursor, RunIndexEnv, RunIndexFilter, RunIndexQuery, RunIndexUpdate } from './run-index-actor.js'
export { recordRunInIndex, recordRunsInIndex } from './record-run.js'
export { entryRank } from './run-index-store.js'
export type { IndexedRunStatus, RunIndexEntry } from '../../machines/run-index-entry.js'
