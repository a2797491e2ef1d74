/**
 * Flow control that gates events before a run starts (debounce, batchEvents, idempotency,
 * singleton), read from the config an app on the official v4 SDK synced: the gates find the
 * synced function as they find a worker's own, and the run gets the events the gate chose.
 */
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { hasRun, inOpenBatch, isPending, rawGate, runOf, sendThrough } from '../fixtures/gates.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, waitForRun } from '../fixtures/runs.js'
import { officialClient, servedApp, useSyncedApps } from './official-app.js'

const client = officialClient('wk-gates')
type Data = { user: string; n: number }
const dataOf = (event: { data: unknown }) => event.data as Data

const functions = [
  client.createFunction({ id: 'debounced', debounce: { period: '1h', key: 'event.data.user' }, triggers: { event: 'wk-gates/debounced' } }, async ({ event }) => dataOf(event).n),
  client.createFunction({ id: 'batched', batchEvents: { maxSize: 3, timeout: '60s', key: 'event.data.user' }, triggers: { event: 'wk-gates/batched' } }, async ({ events }) =>
    events.map((event) => dataOf(event).n),
  ),
  client.createFunction({ id: 'once', idempotency: 'event.data.user', triggers: { event: 'wk-gates/once' } }, async ({ event }) => dataOf(event).n),
]
const DEBOUNCED = 'wk-gates-debounced'
const BATCHED = 'wk-gates-batched'
const ONCE = 'wk-gates-once'

describe('gates from a synced config', () => {
  useSyncedApps(servedApp(client, functions))

  it('debounces per key: one run, with the last event, once the period passed', async () => {
    const user = uniqueLabel('deb')
    const ids: string[] = []
    for (const n of [1, 2, 3]) ids.push(await sendThrough('wk-gates/debounced', { user, n }, isPending(DEBOUNCED, user)))
    for (const id of ids) expect((await runOf(id, DEBOUNCED)).status).toBe('Unknown')
    expect(await runDurableObjectAlarm(await rawGate('debounce', DEBOUNCED, user))).toBe(true)
    const run = await waitForRun(await runIdFor(ids[2]!, DEBOUNCED), (r) => r.status === 'Completed', 10_000)
    expect(run.output).toBe(3)
    for (const id of ids.slice(0, 2)) expect((await runOf(id, DEBOUNCED)).status).toBe('Unknown')
  })

  it('batches per key: one run whose events are the batch, in order', async () => {
    const user = uniqueLabel('bat')
    const first = await sendThrough('wk-gates/batched', { user, n: 1 }, inOpenBatch(BATCHED, user))
    await sendThrough('wk-gates/batched', { user, n: 2 }, inOpenBatch(BATCHED, user))
    await sendThrough('wk-gates/batched', { user, n: 3 }, async () => hasRun(BATCHED)(first))
    const run = await waitForRun(await runIdFor(first, BATCHED), (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual([1, 2, 3])
  })

  it('starts one run per idempotency key', async () => {
    const user = uniqueLabel('idem')
    const first = await sendThrough('wk-gates/once', { user, n: 1 }, hasRun(ONCE))
    const second = await sendThrough('wk-gates/once', { user, n: 2 }, hasRun(ONCE))
    expect((await waitForRun(await runIdFor(first, ONCE), (r) => r.status === 'Completed', 10_000)).output).toBe(1)
    expect((await runOf(second, ONCE)).status).toBe('Skipped')
  })
})
