import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { SLOT_SCHEMA } from '../../actors/storage/slot-schema.js'
import { SlotStore } from '../../actors/storage/slot-store.js'
import type { ThrottleState } from '../../machines/index.js'
import '../fixtures/flow-functions.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { stateOf, testEnv, trigger, waitForRun } from '../fixtures/runs.js'

const slotObject = (name: string) => testEnv.INNGEST_SLOTS.get(testEnv.INNGEST_SLOTS.idFromName(name))

/**
 * Leaves the slot object of `name` as a deployment of schema 1 left it: its tables, version 1
 * recorded, its state, alarm and starts kept, and `told` moved from the throttle queue to the
 * runs still to be told (a start granted, the message not yet delivered); then evicts it, so its
 * constructor applies the later migrations to this existing storage.
 */
async function throttleWrittenUnderSchema1(name: string, told: string): Promise<DurableObjectStub> {
  const slot = slotObject(name)
  await runInDurableObject(slot, (_instance, state) => {
    const sql = state.storage.sql
    // Schema 1 kept the queue inside the state: read it back whole from today's rows.
    const whole = JSON.stringify(new SlotStore(state.storage).fullState())
    const kept = sql.exec<{ key: string; value: string }>('SELECT key, value FROM inngest_slot_state').toArray().map((row) => (row.key === 'state' ? { ...row, value: whole } : row))
    const started = sql.exec<{ run_id: string; at: number }>('SELECT run_id, at FROM inngest_slot_started').toArray()
    sql.exec('DROP TABLE inngest_slot_state; DROP TABLE inngest_slot_started; DROP TABLE inngest_slot_notify; DROP TABLE IF EXISTS inngest_slot_queue')
    sql.exec("DELETE FROM inngest_schema WHERE name = 'slot'")
    sql.exec(SLOT_SCHEMA.migrations[0]!)
    sql.exec("INSERT INTO inngest_schema (name, version) VALUES ('slot', 1)")
    const withoutTold = (value: string) => {
      const throttle = JSON.parse(value) as ThrottleState<string>
      return JSON.stringify({ ...throttle, queue: throttle.queue.filter((runId) => runId !== told) })
    }
    for (const { key, value } of kept) sql.exec('INSERT INTO inngest_slot_state (key, value) VALUES (?, ?)', key, key === 'state' ? withoutTold(value) : value)
    for (const { run_id, at } of [...started, { run_id: told, at: Date.now() }]) sql.exec('INSERT INTO inngest_slot_started (run_id, at) VALUES (?, ?)', run_id, at)
    sql.exec('INSERT INTO inngest_slot_notify (run_id) VALUES (?)', told)
  })
  await evictDurableObject(slot)
  return slot
}

describe('the slot schema', () => {
  it('migrates a throttle written under schema 1 and tells its runs through INNGEST_RUNS', async () => {
    const user = uniqueLabel('user')
    const labels = Array.from({ length: 4 }, () => uniqueLabel('legacy-slot'))
    const runs: string[] = []
    for (const label of labels) runs.push(await trigger('flow/tight', { label, userId: user }, 'shop-tight-throttle'))
    for (const runId of runs.slice(2)) await waitForRun(runId, (r) => stateOf(r) === 'queued')
    expect(labels.map((label) => hits(`tight:${label}`))).toEqual([1, 1, 0, 0])
    const name = `slot:throttle:shop-tight-throttle:${user}`
    // The old queue holds bare run ids, as the throttle still stores runs hosted by RunActor.
    const slot = await throttleWrittenUnderSchema1(name, runs[2]!)

    // Fires ahead of the clock: the pending message goes out, and the queue head conforms.
    expect(await runDurableObjectAlarm(slot)).toBe(true)
    for (const runId of runs.slice(2)) await waitForRun(runId, (r) => r.status === 'Completed')
    expect(labels.map((label) => hits(`tight:${label}`))).toEqual([1, 1, 1, 1])

    const after = await runInDurableObject(slot, (_instance, state) => {
      const sql = state.storage.sql
      return {
        version: sql.exec<{ v: number }>("SELECT MAX(version) AS v FROM inngest_schema WHERE name = 'slot'").one().v,
        columns: sql.exec<{ name: string }>('PRAGMA table_info(inngest_slot_notify)').toArray().map((column) => column.name),
        pending: sql.exec('SELECT run_id FROM inngest_slot_notify').toArray().length,
        // The legacy queue moved to rows: the state keeps none.
        queuedInState: (JSON.parse(sql.exec<{ value: string }>("SELECT value FROM inngest_slot_state WHERE key = 'state'").one().value) as { queue: unknown[] }).queue,
      }
    })
    expect(after).toEqual({ version: SLOT_SCHEMA.migrations.length, columns: ['run_id', 'host'], pending: 0, queuedInState: [] })
  })
})
