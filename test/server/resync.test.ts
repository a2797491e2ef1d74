/**
 * A resync of an app on the official v4 SDK: changed triggers route from then on, a removed
 * function gets no new runs, and a run in flight finishes on the config it started with.
 */
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { runOf } from '../fixtures/gates.js'
import { AUTH, request, runIdFor, runStub, sendEvent, stateOf, testEnv, waitForRun } from '../fixtures/runs.js'
import { APP_URL, officialClient, servedApp, syncServedApp, useSyncedApps } from './official-app.js'

const client = officialClient('wk-resync')
const napThenGreet = async ({ step }: { step: { sleep(id: string, d: string): Promise<void>; run<T>(id: string, fn: () => T): Promise<T> } }) => {
  await step.sleep('nap', '1h')
  return step.run('greet', () => 'hello')
}

const v1 = servedApp(client, [
  client.createFunction({ id: 'greeter', triggers: { event: 'wk-resync/old-name' } }, napThenGreet),
  client.createFunction({ id: 'steady', retries: 0, triggers: { event: 'wk-resync/steady' } }, napThenGreet),
  client.createFunction({ id: 'retired', triggers: { event: 'wk-resync/retired' } }, async () => 'still here'),
])
const v2 = servedApp(client, [
  client.createFunction({ id: 'greeter', triggers: { event: 'wk-resync/new-name' } }, napThenGreet),
  client.createFunction({ id: 'steady', retries: 3, triggers: { event: 'wk-resync/steady' } }, napThenGreet),
  client.createFunction({ id: 'witness', triggers: { event: 'wk-resync/retired' } }, async () => 'seen'),
])

let served = v1
const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

async function functionIds(): Promise<string[]> {
  const { data } = (await (await request('/v1/apps/wk-resync/functions', { headers: AUTH })).json()) as { data: Array<{ id: string }> }
  return data.map((fn) => fn.id).sort()
}

describe('resyncing an app', () => {
  useSyncedApps(((input: RequestInfo | URL, init?: RequestInit) => served(input, init)) as typeof fetch, [[v1, APP_URL]])

  it('routes by the new triggers, starts nothing for a removed function, and lets runs in flight finish', async () => {
    // (A run whose trigger the new code dropped would fail in the SDK: "Event not found in triggers".)
    const inFlight = await runIdFor(await sendEvent('wk-resync/steady', {}), 'wk-resync-steady')
    await waitForRun(inFlight, (r) => stateOf(r) === 'sleeping', 10_000)

    served = v2
    await syncServedApp(v2)
    expect(await functionIds()).toEqual(['wk-resync-greeter', 'wk-resync-steady', 'wk-resync-witness'])

    // The old trigger starts nothing now; the new one does.
    const oldName = await sendEvent('wk-resync/old-name', {})
    const started = await runIdFor(await sendEvent('wk-resync/new-name', {}), 'wk-resync-greeter')
    await waitForRun(started, (r) => stateOf(r) === 'sleeping', 10_000)
    expect((await runOf(oldName, 'wk-resync-greeter')).status).toBe('Unknown')

    // The removed function's event reaches the function that took its trigger, and only that one.
    const retired = await sendEvent('wk-resync/retired', {})
    expect((await waitForRun(await runIdFor(retired, 'wk-resync-witness'), (r) => r.status === 'Completed', 10_000)).output).toBe('seen')
    expect((await runOf(retired, 'wk-resync-retired')).status).toBe('Unknown')
    // Nor does step.invoke, or anything else that starts a run by the function's id.
    const event = { name: 'inngest/function.invoked', id: 'inv-retired', ts: Date.now(), data: {} }
    const refused = await runStub('run-of-a-retired-function')
      .start({ runId: 'run-of-a-retired-function', functionId: 'wk-resync-retired', events: [event] })
      .then(() => undefined, (error: Error) => error)
    expect(refused?.message).toMatch(/was removed from its app/)

    // The run that started before the resync wakes and finishes.
    await runDurableObjectAlarm(rawRun(inFlight))
    const done = await waitForRun(inFlight, (r) => r.snapshot?.value === 'done', 10_000)
    expect({ status: done.status, error: done.snapshot?.context.error, output: done.output }).toEqual({ status: 'Completed', error: null, output: 'hello' })
  })
})
