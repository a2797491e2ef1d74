import { runInDurableObject } from 'cloudflare:test'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import { eventStreamStub, type RunEventPayload } from '../../actors/internal.js'
import { lookbackRetentionMs, STREAM_RETENTION_MS, StreamStore } from '../../actors/storage/stream-store.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { testEnv } from '../fixtures/runs.js'

const event = (ts: number): RunEventPayload => ({ name: 'app/kept', id: ulid(), ts, user: {}, data: {} })

describe('lookback retention', () => {
  it('reads INNGEST_LOOKBACK_HOURS, and keeps 7 days when it is unset or not a positive number', () => {
    expect(lookbackRetentionMs('1')).toBe(3_600_000)
    expect(lookbackRetentionMs('0.5')).toBe(1_800_000)
    for (const bad of [undefined, '', '0', '-3', 'week']) expect(lookbackRetentionMs(bad)).toBe(STREAM_RETENTION_MS)
  })

  it('prunes events older than the configured lookback, so a wait no longer sees them', async () => {
    const stub = testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(uniqueLabel('stream:retention')))
    const seen = await runInDurableObject(stub, (_instance, state) => {
      const store = new StreamStore(state.storage, 60_000)
      const [old, recent] = [event(1_000), event(100_000)]
      store.transaction(() => {
        store.appendEvent(old, 1_000)
        store.appendEvent(recent, 100_000)
        store.prune(100_500) // the horizon is 40,500: the old event goes, the recent one stays
      })
      return [store.event(old.id), store.findSince(0, () => true)?.event.id === recent.id]
    })
    expect(seen).toEqual([null, true])
  })

  it("keeps the runs' system events an hour by default, other names their configured lookback", async () => {
    const twoHoursAgo = Date.now() - 2 * 60 * 60 * 1000
    const oldKept = async (name: string) => {
      const stub = testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(`stream:${name}`))
      const old = { ...event(twoHoursAgo), name }
      await runInDurableObject(stub, (_instance, state) => new StreamStore(state.storage).appendEvent(old, twoHoursAgo))
      await eventStreamStub(testEnv.INNGEST_EVENT_STREAMS, name).ingestAll([{ ...event(Date.now()), name }]) // prunes as it ingests
      return runInDurableObject(stub, (_instance, state) => new StreamStore(state.storage).event(old.id) !== null)
    }
    expect(await oldKept('inngest/function.finished')).toBe(false)
    expect(await oldKept(uniqueLabel('app/kept-a-week'))).toBe(true)
  })
})
