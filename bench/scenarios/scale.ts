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
 * - a wait's lookback over `storedEvents` events, paged (it stops at its match).
 *
 * The stores are filled inside the object (one transaction per chunk), not through RPC: filling
 * is not what is measured.
 */
import { runInDurableObject } from 'cloudflare:test'
import { ulid } from 'ulid'
import { eventStreamStub, type EventStreamActor, type RunEventPayload, type WaitRegistration } from '../../actors/index.js'
import { StreamStore } from '../../actors/storage/stream-store.js'
import { SlotStore } from '../../actors/storage/slot-store.js'
import { slotStub, type SlotActor } from '../../actors/index.js'
import { createConcurrency, type ConcurrencyState } from '../../machines/index.js'
import { env } from 'cloudflare:workers'
import { fixed, textTable, times } from '../stats.js'

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
}

const BATCH = 100
const FILL_CHUNK = 5_000
const streams = (env as unknown as { INNGEST_EVENT_STREAMS: DurableObjectNamespace<EventStreamActor> }).INNGEST_EVENT_STREAMS
const slots = (env as unknown as { INNGEST_SLOTS: DurableObjectNamespace<SlotActor> }).INNGEST_SLOTS
const HOT_LIMIT = 10
const HAND_OFFS = 50

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
  return {
    settings,
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
const OBJECT_REQUESTS_PER_S = 1_000
const OBJECT_STORAGE_BYTES = 10e9
const RETENTION_S = 7 * 24 * 3600

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
    `  hot concurrency key (limit ${HOT_LIMIT}), one hand-off (release → next waiter granted and told), mean of ${HAND_OFFS}: ` +
      `${fixed(result.handOffSmallMs, 2)} ms with ${settings.queuedSmall.toLocaleString('en')} queued, ${fixed(result.handOffLargeMs, 2)} ms with ${settings.queuedLarge.toLocaleString('en')} ` +
      `(${times(result.handOffLargeMs / result.handOffSmallMs)}, goal ≤ 2×): ≈ ${fixed(1_000 / result.handOffLargeMs, 0)} hand-offs/s per key`,
  ].join('\n')
}
