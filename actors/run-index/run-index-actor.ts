/**
 * The run index: what the dashboard lists runs from. Runs are spread over `RUN_INDEX_SHARDS`
 * Durable Objects (`runs:0` … `runs:15`) by a hash of the run id, so no object is on every
 * run's path: each run writes its shard twice (started, finished) and nothing else. A page is
 * every shard's newest `limit` rows before the cursor, merged. Each shard also broadcasts what
 * it records to its hibernatable WebSockets (the dashboard's live feed). See README.md.
 */
import { DurableObject } from 'cloudflare:workers'
import type { RunIndexEntry } from '../../machines/run-index-entry.js'
import { shardOf } from '../events/index-shards.js'
import { RunIndexStore, type RunIndexFilter, type RunIndexQuery } from './run-index-store.js'

export type { RunCursor, RunIndexFilter, RunIndexQuery } from './run-index-store.js'

/** How many shards the run index has. Fixed: an entry's shard is looked up by its run id alone. */
export const RUN_INDEX_SHARDS = 16

/** What addressing the index takes. */
export interface RunIndexEnv {
  readonly INNGEST_RUN_INDEX: DurableObjectNamespace<RunIndexActor>
}

/** What one live-feed message carries: the entries a shard just recorded (changed rows only). */
export interface RunIndexUpdate {
  readonly runs: readonly RunIndexEntry[]
}

/** The shard of run `runId`. */
export function runIndexShard(runId: string): number {
  return shardOf(runId, RUN_INDEX_SHARDS)
}

/** The stub of shard `shard` (Durable Object `runs:<shard>`). */
export function runIndexStub(namespace: DurableObjectNamespace<RunIndexActor>, shard: number): DurableObjectStub<RunIndexActor> {
  return namespace.get(namespace.idFromName(`runs:${shard}`))
}

const allShards = () => Array.from({ length: RUN_INDEX_SHARDS }, (_, shard) => shard)

/** Newest first (queued time, then run id) across every shard: each shard's page, merged. */
export async function listIndexedRuns(env: RunIndexEnv, query: RunIndexQuery): Promise<RunIndexEntry[]> {
  const pages = await Promise.all(allShards().map((shard) => runIndexStub(env.INNGEST_RUN_INDEX, shard).list(query)))
  return (pages.flat() as RunIndexEntry[]).sort(newestFirst).slice(0, query.limit)
}

/** The listing's order: queued time, then run id, both descending. */
export function newestFirst(a: RunIndexEntry, b: RunIndexEntry): number {
  return b.queuedAt - a.queuedAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0)
}

/** How many indexed runs the filter takes, over every shard. */
export async function countIndexedRuns(env: RunIndexEnv, filter: RunIndexFilter): Promise<number> {
  const counts = await Promise.all(allShards().map((shard) => runIndexStub(env.INNGEST_RUN_INDEX, shard).count(filter)))
  return counts.reduce((sum, n) => sum + n, 0)
}

/** The index's entry for `runId`, or null. */
export async function findIndexedRun(env: RunIndexEnv, runId: string): Promise<RunIndexEntry | null> {
  return (await runIndexStub(env.INNGEST_RUN_INDEX, runIndexShard(runId)).find(runId)) as RunIndexEntry | null
}

/** The indexed runs event `eventId` triggered, newest first. */
export async function indexedRunsOfEvent(env: RunIndexEnv, eventId: string): Promise<RunIndexEntry[]> {
  const found = await Promise.all(allShards().map((shard) => runIndexStub(env.INNGEST_RUN_INDEX, shard).byEvent(eventId)))
  return (found.flat() as RunIndexEntry[]).sort(newestFirst)
}

/**
 * Opens shard `shard`'s live feed: a WebSocket that receives a `RunIndexUpdate` (JSON) each time
 * the shard records a change. The caller accepts it (`socket.accept()`).
 */
export async function openRunIndexFeed(env: RunIndexEnv, shard: number): Promise<WebSocket> {
  const response = await runIndexStub(env.INNGEST_RUN_INDEX, shard).fetch('https://run-index/live', { headers: { upgrade: 'websocket' } })
  if (!response.webSocket) throw new Error(`run index shard ${shard} refused its live feed (${response.status})`)
  return response.webSocket
}

export class RunIndexActor extends DurableObject<object> {
  private store!: RunIndexStore

  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      this.store = new RunIndexStore(ctx.storage)
    })
  }

  /** Upserts entries (a later state wins, the same entry twice writes nothing) and broadcasts the changed ones. */
  record(entries: readonly RunIndexEntry[]): number {
    const changed = this.store.record(entries)
    if (changed.length > 0) {
      const message = JSON.stringify({ runs: changed } satisfies RunIndexUpdate)
      for (const socket of this.ctx.getWebSockets()) {
        try {
          socket.send(message)
        } catch {
          // A socket closing as we send: its close handler cleans up.
        }
      }
    }
    return changed.length
  }

  list(query: RunIndexQuery): RunIndexEntry[] {
    return this.store.list(query)
  }

  count(filter: RunIndexFilter): number {
    return this.store.count(filter)
  }

  find(runId: string): RunIndexEntry | null {
    return this.store.find(runId)
  }

  byEvent(eventId: string): RunIndexEntry[] {
    return this.store.byEvent(eventId)
  }

  /** Failed dashboard sign-ins from `client` (an address) within the last `windowMs`: the rate limit's count. */
  loginFailures(client: string, windowMs: number): number {
    return this.store.loginFailuresSince(client, Date.now() - windowMs)
  }

  /** Notes a failed sign-in from `client`; failures older than `windowMs` are forgotten. */
  noteLoginFailure(client: string, windowMs: number): void {
    const now = Date.now()
    this.store.noteLoginFailure(client, now, now - windowMs)
  }

  /** `GET /live` with `Upgrade: websocket`: a hibernatable socket on this shard's feed. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('expected a WebSocket upgrade', { status: 426 })
    const { 0: client, 1: server } = new WebSocketPair()
    this.ctx.acceptWebSocket(server)
    return new Response(null, { status: 101, webSocket: client })
  }

  override webSocketMessage(): void {
    // The feed is one-way; messages from the other side are ignored.
  }

  override webSocketClose(socket: WebSocket, code: number): void {
    try {
      socket.close(code === 1005 ? 1000 : code, 'closing')
    } catch {
      // Already closed.
    }
  }
}
