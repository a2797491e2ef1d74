/**
 * Values over Cloudflare's 2 MB row limit, store by store (the event stream through its actor):
 * each round-trips, no row of the object is over 2 MB, and the parts go when their value is
 * overwritten or its row deleted.
 */
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { eventIndexStub, EventStreamActor, eventStreamStub, shardOf, type RunEventPayload } from '../../actors/internal.js'
import { MAX_ROW_BYTES } from '../../actors/storage/chunked-text.js'
import { FlowGateStore, type PendingStart } from '../../actors/storage/flow-gate-store.js'
import { RUN_SCHEMA } from '../../actors/storage/run-schema.js'
import { RunStore } from '../../actors/storage/run-store.js'
import { SlotStore } from '../../actors/storage/slot-store.js'
import type { StepRow } from '../../actors/storage/step-row.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { largestRow, largestRowOf } from '../fixtures/row-sizes.js'
import { testEnv } from '../fixtures/runs.js'

const MB = 1024 * 1024
/** `bytes` of UTF-8 text mixing 1-, 3- and 4-byte characters (a surrogate pair straddles every part boundary). */
function text(bytes: number, seed = 'x'): string {
  const unit = `${seed}€😀` // 1 + 3 + 4 bytes in 1 + 1 + 2 UTF-16 units
  return `a${unit.repeat(Math.floor((bytes - 1) / 8))}`
}
const event = (id: string, bytes: number, ts = Date.now()): RunEventPayload => ({ name: 'big/event', id, ts, data: { blob: text(bytes) }, user: {} })

const runObject = (name: string) => testEnv.EMBEDDED_RUNS.get(testEnv.EMBEDDED_RUNS.idFromName(name))
const streamObject = (name: string) => testEnv.INNGEST_EVENT_STREAMS.get(testEnv.INNGEST_EVENT_STREAMS.idFromName(name))
const gateObject = (name: string) => testEnv.INNGEST_FLOW_GATES.get(testEnv.INNGEST_FLOW_GATES.idFromName(name))
const slotObject = (name: string) => testEnv.INNGEST_SLOTS.get(testEnv.INNGEST_SLOTS.idFromName(name))

/** Parts stored in the object (a run object creates the table only with its first large value). */
const partCount = (sql: SqlStorage) =>
  sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'inngest_chunks'").toArray().length === 0 ? 0 : sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM inngest_chunks').one().n

function step(key: string, fields: Partial<StepRow>): StepRow {
  return { key, id: key, kind: 'run', position: 0, concurrent: false, status: 'completed', attempts: 0, output: null, error: null, startedAt: 1, endedAt: 2, wakeAt: null, ...fields }
}

describe('a run store', () => {
  it('round-trips a 3 MB trigger, a 4 MB output, multi-megabyte step outputs, errors and effects in rows of at most 2 MB', async () => {
    await runInDurableObject(runObject(uniqueLabel('chunked-run')), (_instance, state) => {
      const store = new RunStore(state.storage)
      const trigger = [event('trigger', 3 * MB)]
      const output = JSON.stringify(text(4 * MB - 100))
      const stepOutput = JSON.stringify(text(3 * MB))
      const stepError = { name: 'Error', message: text(2.5 * MB) }
      const effect = { kind: 'publish', events: [event('finished', 3.5 * MB)] }
      store.transaction(() => {
        store.writeJson('trigger', trigger)
        store.writeText('output', output)
        store.writeStep(step('big', { output: stepOutput }))
        store.writeStep(step('broken', { status: 'retrying', attempts: 1, error: stepError }))
        store.appendEffect({ kind: 'close', event: 'small', stepKey: 's' })
        store.appendEffect(effect)
      })
      store.settleStep('waited', { output: stepOutput }, 3) // no row yet: settles nothing
      expect(store.readJson('trigger')).toEqual(trigger)
      expect(store.readText('output')).toBe(output)
      expect(store.readSteps().map((row) => [row.key, row.output, row.error])).toEqual([
        ['big', stepOutput, null],
        ['broken', null, stepError],
      ])
      expect(store.readStep('big')?.output).toBe(stepOutput)
      expect(store.readEffects().map((pending) => pending.effect)).toEqual([{ kind: 'close', event: 'small', stepKey: 's' }, effect])
      const largest = largestRow(state.storage.sql)
      expect(largest.bytes, `largest row, in ${largest.table}`).toBeLessThanOrEqual(MAX_ROW_BYTES)
      expect(largest.bytes).toBeGreaterThan(100_000) // the parts are measured
    })
  })

  it('writes a small step as its one row, with no parts and no parts table', async () => {
    await runInDurableObject(runObject(uniqueLabel('chunked-small')), (_instance, state) => {
      const store = new RunStore(state.storage)
      store.writeStep(step('small', { output: '"ok"' }))
      expect(store.readSteps()[0]?.output).toBe('"ok"')
      // Every run is a new object: one that never holds a large value pays for no parts table.
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'inngest_chunks'").toArray()).toEqual([])
    })
  })

  it('deletes the parts of a value overwritten by a small one, of a settled error and of a performed effect', async () => {
    await runInDurableObject(runObject(uniqueLabel('chunked-cleanup')), (_instance, state) => {
      const store = new RunStore(state.storage)
      const sql = state.storage.sql
      store.writeText('output', JSON.stringify(text(3 * MB)))
      store.writeText('output', JSON.stringify(text(1.5 * MB, 'y'))) // large again: its parts replaced
      expect(JSON.parse(store.readText('output')!)).toBe(text(1.5 * MB, 'y'))
      store.writeText('output', '"small"')
      expect(partCount(sql)).toBe(0)

      store.writeStep(step('flaky', { status: 'retrying', attempts: 1, error: { name: 'Error', message: text(MB) } }))
      expect(partCount(sql)).toBeGreaterThan(0)
      store.writeStep(step('flaky', { status: 'completed', attempts: 1, output: '1' }))
      expect(partCount(sql)).toBe(0) // the retried error's parts went with it
      store.writeStep(step('waiting', { kind: 'wait', status: 'waiting' }))
      store.settleStep('waiting', { output: JSON.stringify(text(3 * MB)) }, 5)
      expect(store.readStep('waiting')?.output).toBe(JSON.stringify(text(3 * MB)))
      expect(partCount(sql)).toBeGreaterThan(0)
      store.writeStep(step('waiting', { kind: 'wait', status: 'completed', output: '"small"' }))
      expect(partCount(sql)).toBe(0)

      store.appendEffect({ kind: 'publish', events: [event('e', 3 * MB)] })
      const [pending] = store.readEffects()
      store.deleteEffect(pending!.seq)
      expect(partCount(sql)).toBe(0)
      expect(store.hasEffects()).toBe(false)
    })
  })

  it('migrates a run written under schema 1: its pending effects get their delivery columns', async () => {
    await runInDurableObject(runObject(uniqueLabel('chunked-legacy')), (_instance, state) => {
      const sql = state.storage.sql
      sql.exec('DROP TABLE inngest_run_state; DROP TABLE inngest_steps; DROP TABLE inngest_effects; DROP TABLE IF EXISTS inngest_chunks')
      sql.exec("DELETE FROM inngest_schema WHERE name = 'run'")
      sql.exec(RUN_SCHEMA.migrations[0]!)
      sql.exec("INSERT INTO inngest_schema (name, version) VALUES ('run', 1)")
      sql.exec('INSERT INTO inngest_effects (effect) VALUES (?)', JSON.stringify({ kind: 'forget', events: ['a'] }))
      const store = new RunStore(state.storage)
      expect(store.readEffects()).toEqual([{ seq: 1, effect: { kind: 'forget', events: ['a'] }, attempts: 0, dueAt: 0 }])
      store.writeText('output', JSON.stringify(text(3 * MB)))
      expect(largestRow(sql).bytes).toBeLessThanOrEqual(MAX_ROW_BYTES)
    })
  })
})

describe('an event stream', () => {
  // Through the actor's RPC: its store is being reworked (indexed matching), its behaviour is not.
  it('records 3 MB events slim (their payload stays in the event index), keeps a 3 MB registration trigger in rows of at most 2 MB, and drops its parts when forgotten', async () => {
    const name = uniqueLabel('big/stream')
    const stream = eventStreamStub(testEnv.INNGEST_EVENT_STREAMS, name)
    const now = Date.now()
    const [first, second] = [{ ...event('first', 3 * MB, now), name }, { ...event('second', 3 * MB, now + 1), name }]
    // As delivery does: an event reaches its stream once the index holds it.
    for (const stored of [first, second]) await eventIndexStub(testEnv.INNGEST_EVENT_INDEX, shardOf(stored.id)).file([stored])
    await stream.ingestAll([first, second])
    await stream.ingest(first) // redelivered: nothing rewritten
    const object = streamObject(`stream:${name}`)
    const eventRows = () =>
      runInDurableObject(object, (_instance, state) => state.storage.sql.exec<{ bytes: number }>('SELECT length(id) + length(payload) + 24 AS bytes FROM inngest_stream_events').toArray().map((row) => row.bytes))
    const rows = await eventRows()
    expect(rows).toHaveLength(2)
    for (const bytes of rows) expect(bytes, 'a slim row').toBeLessThan(100)
    const trigger = event('trigger', 3 * MB, now - 1)
    const registration = { runId: 'r1', stepKey: 'wait', kind: 'wait', event: name, expression: "async.data.blob.startsWith('a')", trigger, sinceTs: now - 1, expiresAt: now + 60_000 } as const
    // Lookback finds the first (its condition reads the 3 MB payload, fetched from the index); registering again answers the same.
    expect(await stream.register(registration)).toEqual(first)
    expect(await stream.register(registration)).toEqual(first)
    const parts = () => runInDurableObject(object, (_instance, state) => partCount(state.storage.sql))
    const largest = await largestRowOf(object)
    expect(largest.bytes, `largest row, in ${largest.table}`).toBeLessThanOrEqual(MAX_ROW_BYTES)
    expect(await parts(), "the trigger's parts").toBeGreaterThan(0)
    await stream.forget('r1')
    expect(await parts()).toBe(0)
    expect(await eventRows(), 'the events stay for lookback').toHaveLength(2)
  })

  it('keeps a large event whole when the index keeps events for less time than the stream looks back', async () => {
    // INNGEST_EVENT_RETENTION_HOURS below INNGEST_LOOKBACK_HOURS: the index may drop an event a lookback still needs.
    await runInDurableObject(streamObject(`stream:${uniqueLabel('big/short-index')}`), async (_instance, state) => {
      const actor = new EventStreamActor(state, { ...testEnv, INNGEST_EVENT_RETENTION_HOURS: '1', INNGEST_LOOKBACK_HOURS: '24' })
      await new Promise((resolve) => setTimeout(resolve, 0)) // its store opens under blockConcurrencyWhile
      const big = { ...event('kept', 100_000, Date.now()), name: 'big/short-index' }
      actor.ingestAll([big])
      expect(await actor.register({ runId: 'r1', stepKey: 'w', kind: 'wait', event: big.name, expression: null, trigger: big, sinceTs: 0, expiresAt: Date.now() + 60_000 })).toEqual(big)
    })
  })
})

describe('a flow gate store', () => {
  it('round-trips a debounced 3 MB event and a 4 MB batch start, and deletes their parts when replaced or cleared', async () => {
    await runInDurableObject(gateObject(uniqueLabel('gate:chunked')), (_instance, state) => {
      const store = new FlowGateStore(state.storage)
      const sql = state.storage.sql
      const debounced = { pending: { event: event('debounced', 3 * MB), at: 1 } }
      const start: PendingStart = { runId: 'run-1', functionId: 'shop-batch', events: [event('b1', 2 * MB), event('b2', 2 * MB)] }
      store.transaction(() => {
        store.write({ kind: 'debounce', functionId: 'shop-debounced', state: debounced, wakeAt: 5 })
        store.addStart(start)
        store.addStart(start) // redecided: replaced, not duplicated
      })
      expect(store.read()?.state).toEqual(debounced)
      expect(store.starts()).toEqual([start])
      expect(largestRow(sql).bytes).toBeLessThanOrEqual(MAX_ROW_BYTES)

      store.write({ kind: 'debounce', functionId: 'shop-debounced', state: { pending: null }, wakeAt: null })
      store.addStart({ ...start, events: [] })
      store.addStart({ ...start, runId: 'run-2' })
      store.deleteStart('run-2')
      expect(partCount(sql)).toBe(0)
    })
  })
})

describe('a slot store', () => {
  it('round-trips a state longer than a row holds', async () => {
    await runInDurableObject(slotObject(uniqueLabel('slot:chunked')), (_instance, state) => {
      const store = new SlotStore(state.storage)
      const backlog = { queue: Array.from({ length: 60_000 }, (_, i) => ({ runId: `01HZZZZZZZZZZZZZZZZZZZ${i}`, host: { binding: 'EMBEDDED_RUNS', name: `host-${i}` } })) }
      store.writeState(backlog)
      expect(store.readState()).toEqual(backlog)
      expect(largestRow(state.storage.sql).bytes).toBeLessThanOrEqual(MAX_ROW_BYTES)
      store.writeState({ queue: [] })
      expect(partCount(state.storage.sql)).toBe(0)
    })
  })
})
