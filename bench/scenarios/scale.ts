/**
 * The `scale` scenario: what one event stream (one object per event name) costs as it fills up,
 * measured through its own RPC surface on fresh objects, and the sustained ceilings those costs
 * imply under Cloudflare's documented per-object limits. Each ratio compares the same batch on
 * an empty object and on one already holding the load:
 *
 * - ingest of a 100-event batch with 0 vs `storedEvents` events already stored (pruning and
 *   appends must not scan what is stored);
 * - ingest per event with 0 vs `openWaits` open waits filed by `match` (indexed matching), and
 *   with `scannedWaits` waits whose condition cannot be indexed (those are still scanned);
 * - a wait's lookback over `storedEvents` events, paged (it stops at its match);
 * - one registration in a stream of one shard vs in every shard of 16 (sharded streams);
 * - bytes per stored event in a stream (a typical event and an `inngest/function.finished`) and
 *   in the event index.
 *
 * From these, scale-plan.ts computes what one name at 10,000 events/s takes: shards of each
 * object, and the load each carries against Cloudflare's per-object limits.
 *
 * The stores are filled inside the object (one transaction per chunk), not through RPC: filling
 * is not what is measured.
 */
import { runInDurableObject } from 'cloudflare:test'
import { ulid } from 'ulid'
import { eventStreamStub, type EventIndexActor, type EventStreamActor, type RunEventPayload, type WaitRegistration } from '../../actors/internal.js'
import { registerInShards, type ShardedStreamEnv } from '../../actors/events/sharded-streams.js'
import { EventIndexStore } from '../../actors/storage/event-index-store.js'
import { StreamStore } from '../../actors/storage/stream-store.js'
import { SlotStore } from '../../actors/storage/slot-store.js'
import { slotStub, type SlotActor } from '../../actors/internal.js'
import { createConcurrency, type ConcurrencyState } from '../../machines/index.js'
import { env } from 'cloudflare:workers'
import { fixed, textTable, times } from '../stats.js'
import { LIMITS, planFor, type PlanInputs } from './scale-plan.js'

export interface ScaleSettings {
  readonly storedEvents: number
  readonly openWaits: number
  readonly scannedWaits: number
  readonly batches: number
  /** Runs queued on one hot concurrency key: the small and the large case. */
  readonly queuedSmall: number
  readonly queuedLarge: number
}

export interface ScaleResult {
  readonly settings: ScaleSettings
  /** ms per 100-event ingest batch. */
  readonly ingestEmptyMs: number
  readonly ingestFullMs: number
  /** ms per 100-event batch with no waits, `openWaits` indexed waits, `scannedWaits` scanned ones. */
  readonly matchNoneMs: number
  readonly matchIndexedMs: number
  readonly matchScannedMs: number
  /** ms for one registration whose lookback reads every stored event (no match). */
  readonly lookbackMs: number
  /** Bytes per stored event (database size / events), from the full object. */
  readonly bytesPerEvent: number
  /** ms per concurrency hand-off (a holder releases, the next waiter is granted and told) with few and many queued. */
  readonly handOffSmallMs: number
  readonly handOffLargeMs: number
  /** Bytes per stored `inngest/function.finished` in a stream, and per event in the event index. */
  readonly finishedBytesPerEvent: number
  readonly indexBytesPerEvent: number
  /** Bytes per stored 10 KB event in a stream, recorded slim (its payload in the index) and whole. */
  readonly largeSlimBytesPerEvent: number
  readonly largeWholeBytesPerEvent: number
  /** ms for one registration through registerInShards with 1 and with `SHARDED` shards. */
  readonly registerOneShardMs: number
  readonly registerShardedMs: number
}

const BATCH = 100
const FILL_CHUNK = 5_000
const streams = (env as unknown as { INNGEST_EVENT_STREAMS: DurableObjectNamespace<EventStreamActor> }).INNGEST_EVENT_STREAMS
const slots = (env as unknown as { INNGEST_SLOTS: DurableObjectNamespace<SlotActor> }).INNGEST_SLOTS
const indexes = (env as unknown as { INNGEST_EVENT_INDEX: DurableObjectNamespace<EventIndexActor> }).INNGEST_EVENT_INDEX
const HOT_LIMIT = 10
const HAND_OFFS = 50
const SHARDED = 16
const REGISTRATIONS = 40

/**
 * Mean ms of a hand-off on one hot key with `queued` runs waiting: a holder releases, the next
 * waiter gets its slot (and is told), then that one releases in turn. Filled inside the object.
 */
async function handOffMs(queued: number): Promise<number> {
  const name = `slot:concurrency:bench-scale:${ulid()}`
  const far = Date.now() + 3_600_000
  await runInDurableObject(slots.get(slots.idFromName(name)), (_instance, state) => {
    const store = new SlotStore(state.storage)
    const pool: ConcurrencyState = {
      ...createConcurrency({ limit: HOT_LIMIT, leaseMs: 3_600_000 }),
      leases: Array.from({ length: HOT_LIMIT }, (_, i) => ({ runId: `holder-${i}`, grantedAt: 0, expiresAt: far })),
      nextSeq: queued,
    }
    store.transaction(() => store.writeState(pool))
    for (let done = 0; done < queued; done += FILL_CHUNK) store.transaction(() => {
      const rows = Array.from({ length: Math.min(FILL_CHUNK, queued - done) }, (_, k) => {
        const seq = done + k
        return { runId: `waiter-${seq}`, orderAt: seq, seq, item: { runId: `waiter-${seq}`, priority: 0, requestedAt: seq, orderAt: seq, seq } }
      })
      store.addQueued(rows)
    })
  })
  const slot = slotStub(slots, name)
  const started = performance.now()
  for (let i = 0; i < HAND_OFFS; i++) await slot.release(i < HOT_LIMIT ? `holder-${i}` : `waiter-${i - HOT_LIMIT}`)
  return (performance.now() - started) / HAND_OFFS
}

const event = (name: string, key: string): RunEventPayload => ({ name, id: ulid(), ts: Date.now(), user: {}, data: { orderId: key, amount: 42, note: 'a typical small payload' } })

function registration(name: string, runId: string, expression: string | null, orderId: string): WaitRegistration {
  const trigger = event('bench/trigger', orderId)
  return { runId, stepKey: 'wait', kind: 'wait', event: name, expression, trigger, sinceTs: trigger.ts, expiresAt: Date.now() + 3_600_000 }
}

/** A fresh stream object of a fresh name, filled inside the object by `fill`. */
async function freshStream(fill: (store: StreamStore, name: string) => void): Promise<{ name: string; bytes: number }> {
  const name = `bench/scale-${ulid()}`
  const raw = streams.get(streams.idFromName(`stream:${name}`))
  const bytes = await runInDurableObject(raw, (_instance, state) => {
    const store = new StreamStore(state.storage)
    fill(store, name)
    return state.storage.sql.databaseSize
  })
  return { name, bytes }
}

/** Fills `count` rows, `FILL_CHUNK` per transaction. */
function inChunks(store: StreamStore, count: number, write: (i: number) => void): void {
  for (let done = 0; done < count; done += FILL_CHUNK) store.transaction(() => {
    for (let i = done; i < Math.min(count, done + FILL_CHUNK); i++) write(i)
  })
}

/** Mean ms of `batches` ingests of 100 events, none matching anything (keys unused). */
async function ingestMs(name: string, batches: number): Promise<number> {
  const stream = eventStreamStub(streams, name)
  await stream.ingestAll(Array.from({ length: BATCH }, () => event(name, 'warm-up')))
  const batchesOfEvents = Array.from({ length: batches }, (_, b) => Array.from({ length: BATCH }, (_, i) => event(name, `unmatched-${b}-${i}`)))
  // The clock resolves whole milliseconds: time the batches together, not one by one.
  const started = performance.now()
  for (const events of batchesOfEvents) await stream.ingestAll(events)
  return (performance.now() - started) / batches
}

/** A run's `inngest/function.finished`, as a finished run announces it (trigger and output inside). */
const finished = (i: number): RunEventPayload => ({
  name: 'inngest/function.finished',
  id: ulid(),
  ts: Date.now(),
  user: {},
  data: { function_id: 'app-order-flow', run_id: ulid(), event: event('shop/order.placed', `order-${i}`), result: { ok: true, orderId: `order-${i}` } },
})

/** Bytes per event in a fresh event index object holding `count` typical events. */
async function indexBytesPerEvent(count: number): Promise<number> {
  return runInDurableObject(indexes.get(indexes.idFromName(`events:bench-${ulid()}`)), (_instance, state) => {
    const store = new EventIndexStore(state.storage)
    const before = state.storage.sql.databaseSize
    for (let done = 0; done < count; done += FILL_CHUNK) store.claim(Array.from({ length: Math.min(FILL_CHUNK, count - done) }, (_, i) => event('shop/order.placed', `order-${done + i}`)), Date.now(), null)
    return (state.storage.sql.databaseSize - before) / count
  })
}

/** Mean ms of one wait registered through registerInShards on a fresh name with `shards` shards (no lookback match). */
async function registerMs(shards: number): Promise<number> {
  const name = `bench/scale-register-${ulid()}`
  const sharded: ShardedStreamEnv = { ...(env as unknown as ShardedStreamEnv), INNGEST_STREAM_SHARDS: String(shards) }
  await registerInShards(sharded, registration(name, 'warm-up', 'event.data.orderId == async.data.orderId', 'warm-up'))
  const started = performance.now()
  for (let i = 0; i < REGISTRATIONS; i++) await registerInShards(sharded, registration(name, `run-${i}`, 'event.data.orderId == async.data.orderId', `order-${i}`))
  return (performance.now() - started) / REGISTRATIONS
}

export async function scaleScenario(settings: ScaleSettings): Promise<ScaleResult> {
  const empty = await freshStream(() => {})
  const full = await freshStream((store, name) => inChunks(store, settings.storedEvents, () => store.appendEvent(event(name, 'stored'), Date.now())))
  const indexed = await freshStream((store, name) =>
    inChunks(store, settings.openWaits, (i) => store.insertRegistration(registration(name, `run-${i}`, 'event.data.orderId == async.data.orderId', `order-${i}`), null)),
  )
  const scanned = await freshStream((store, name) =>
    inChunks(store, settings.scannedWaits, (i) => store.insertRegistration(registration(name, `run-${i}`, `async.data.amount > ${1_000 + i}`, `order-${i}`), null)),
  )
  const ingestEmptyMs = await ingestMs(empty.name, settings.batches)
  const ingestFullMs = await ingestMs(full.name, settings.batches)
  const matchIndexedMs = await ingestMs(indexed.name, settings.batches)
  const matchScannedMs = await ingestMs(scanned.name, settings.batches)
  const lookbackStarted = performance.now()
  // A trigger older than every stored event: the lookback reads them all (the worst case), a page at a time.
  await eventStreamStub(streams, full.name).register({ ...registration(full.name, 'lookback-run', "async.data.orderId == 'never'", 'never'), sinceTs: 0 })
  const lookbackMs = performance.now() - lookbackStarted
  const handOffSmallMs = await handOffMs(settings.queuedSmall)
  const handOffLargeMs = await handOffMs(settings.queuedLarge)
  const sized = Math.max(1_000, Math.round(settings.storedEvents / 10))
  const finishedFull = await freshStream((store) => inChunks(store, sized, (i) => store.appendEvent(finished(i), Date.now())))
  const large = (name: string): RunEventPayload => ({ ...event(name, 'large'), data: { orderId: 'large', blob: 'x'.repeat(10_000) } })
  const largeCount = Math.max(100, Math.round(sized / 10))
  const largeSlim = await freshStream((store, name) => inChunks(store, largeCount, () => store.appendEvent(large(name), Date.now(), true)))
  const largeWhole = await freshStream((store, name) => inChunks(store, largeCount, () => store.appendEvent(large(name), Date.now(), false)))
  return {
    settings,
    finishedBytesPerEvent: (finishedFull.bytes - empty.bytes) / sized,
    largeSlimBytesPerEvent: (largeSlim.bytes - empty.bytes) / largeCount,
    largeWholeBytesPerEvent: (largeWhole.bytes - empty.bytes) / largeCount,
    indexBytesPerEvent: await indexBytesPerEvent(sized),
    registerOneShardMs: await registerMs(1),
    registerShardedMs: await registerMs(SHARDED),
    handOffSmallMs,
    handOffLargeMs,
    ingestEmptyMs,
    ingestFullMs,
    matchNoneMs: ingestEmptyMs,
    matchIndexedMs,
    matchScannedMs,
    lookbackMs,
    bytesPerEvent: (full.bytes - empty.bytes) / settings.storedEvents,
  }
}

/** Cloudflare's documented per-object limits the ceilings are computed from. */
const OBJECT_REQUESTS_PER_S = LIMITS.objectRequestsPerS
const OBJECT_STORAGE_BYTES = LIMITS.objectStorageBytes
const RETENTION_S = 7 * 24 * 3600
/** The design target of issue 10: one name at 10,000 events/s with 10,000 open waits and 10,000 open cancellations. */
const TARGET = { eventsPerS: 10_000, openRegistrations: 20_000, registrationLifetimeS: 3_600 }

export function scaleTable(result: ScaleResult): string {
  const { settings } = result
  const perEvent = (ms: number) => fixed((ms * 1_000) / BATCH, 0)
  const cpuCeiling = (ms: number) => fixed(Math.min((BATCH * 1_000) / ms, OBJECT_REQUESTS_PER_S * BATCH), 0)
  const rows = [
    ['ingest, 0 events stored', fixed(result.ingestEmptyMs, 2), perEvent(result.ingestEmptyMs), cpuCeiling(result.ingestEmptyMs)],
    [`ingest, ${settings.storedEvents.toLocaleString('en')} events stored`, fixed(result.ingestFullMs, 2), perEvent(result.ingestFullMs), cpuCeiling(result.ingestFullMs)],
    [`ingest, ${settings.openWaits.toLocaleString('en')} open waits (match: indexed)`, fixed(result.matchIndexedMs, 2), perEvent(result.matchIndexedMs), cpuCeiling(result.matchIndexedMs)],
    [`ingest, ${settings.scannedWaits.toLocaleString('en')} open waits (unindexable if: scanned)`, fixed(result.matchScannedMs, 2), perEvent(result.matchScannedMs), cpuCeiling(result.matchScannedMs)],
  ]
  const storageCeiling = OBJECT_STORAGE_BYTES / (result.bytesPerEvent * RETENTION_S)
  return [
    `Scale: one event stream (one object per event name), batches of ${BATCH} events through ingestAll, mean of ${settings.batches}; ms (workerd's clock)`,
    textTable(['load', 'ms per batch', 'µs per event', 'events/s one object sustains (CPU)'], rows),
    `  stored ${settings.storedEvents.toLocaleString('en')} vs 0: ${times(result.ingestFullMs / result.ingestEmptyMs)} (goal ≤ 1.5×); ` +
      `${settings.openWaits.toLocaleString('en')} indexed waits vs 0: ${times(result.matchIndexedMs / result.matchNoneMs)} (goal ≤ 2×); ` +
      `${settings.scannedWaits.toLocaleString('en')} scanned: ${times(result.matchScannedMs / result.matchNoneMs)}`,
    `  lookback of one wait over ${settings.storedEvents.toLocaleString('en')} stored events, no match (every page read): ${fixed(result.lookbackMs, 0)} ms`,
    `  storage: ${fixed(result.bytesPerEvent, 0)} B per stored event; kept 7 days, one object's 10 GB hold ${fixed(storageCeiling, 1)} events/s sustained per name: the ceiling that sharding the stream must lift`,
    `  one wait registered in a name's stream, mean of ${REGISTRATIONS}: ${fixed(result.registerOneShardMs, 2)} ms with one shard, ${fixed(result.registerShardedMs, 2)} ms in all ${SHARDED} shards (${times(result.registerShardedMs / result.registerOneShardMs)})`,
    `  bytes per stored event: stream ${fixed(result.bytesPerEvent, 0)} (typical), ${fixed(result.finishedBytesPerEvent, 0)} (inngest/function.finished); event index ${fixed(result.indexBytesPerEvent, 0)}`,
    `  a 10 KB event in a stream: ${fixed(result.largeSlimBytesPerEvent, 0)} B recorded slim (its payload once, in the index), ${fixed(result.largeWholeBytesPerEvent, 0)} B whole`,
    ...planTables(result),
    `  hot concurrency key (limit ${HOT_LIMIT}), one hand-off (release → next waiter granted and told), mean of ${HAND_OFFS}: ` +
      `${fixed(result.handOffSmallMs, 2)} ms with ${settings.queuedSmall.toLocaleString('en')} queued, ${fixed(result.handOffLargeMs, 2)} ms with ${settings.queuedLarge.toLocaleString('en')} ` +
      `(${times(result.handOffLargeMs / result.handOffSmallMs)}, goal ≤ 2×): ≈ ${fixed(1_000 / result.handOffLargeMs, 0)} hand-offs/s per key`,
  ].join('\n')
}

const gb = (bytes: number) => (Number.isNaN(bytes) ? '' : `${fixed(bytes / 1e9, 2)} GB (${fixed((100 * bytes) / OBJECT_STORAGE_BYTES, 0)}%)`)
const perS = (n: number, limit: number) => `${fixed(n, 0)} (${fixed((100 * n) / limit, 0)}%)`

/** The computed plan for the design target, at the default lookback and retention and at 24 h. */
function planTables(result: ScaleResult): string[] {
  return [
    [168, 168],
    [24, 24],
  ].flatMap(([lookbackHours, retentionHours]) => {
    const inputs: PlanInputs = {
      ...TARGET,
      lookbackHours: lookbackHours!,
      retentionHours: retentionHours!,
      streamBytesPerEvent: result.bytesPerEvent,
      indexBytesPerEvent: result.indexBytesPerEvent,
      finishedBytesPerEvent: result.finishedBytesPerEvent,
      ingestUsPerEvent: (result.matchIndexedMs * 1_000) / BATCH,
      registerMs: result.registerOneShardMs,
    }
    const rows = planFor(inputs).map((row) => [
      row.object,
      String(row.count),
      row.bound,
      perS(row.requestsPerS, row.object.includes('queue') ? LIMITS.queueMessagesPerS : OBJECT_REQUESTS_PER_S),
      gb(row.storageBytes),
      Number.isNaN(row.cpuMsPerS) ? '' : `${fixed(row.cpuMsPerS, 0)} ms/s (${fixed((100 * row.cpuMsPerS) / LIMITS.cpuMsPerS, 0)}%)`,
    ])
    return [
      `  one name at ${TARGET.eventsPerS.toLocaleString('en')} events/s, ${TARGET.openRegistrations.toLocaleString('en')} open waits + cancellations (open ~1 h each), each event in a publish of its own, ` +
        `lookback ${lookbackHours} h, index retention ${retentionHours} h: shards for ≤ 50% of each per-object limit, from the costs above`,
      textTable(['object', 'count', 'bound by', 'requests (msgs)/s each', 'storage each', 'CPU each'], rows),
    ]
  })
}
