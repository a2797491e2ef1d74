/**
 * Part 2 of the server protocol with the real v4 SDK, in signed mode: invoke (of a synced
 * function and of one of the worker's own), cancellation (cancelOn from the synced config, and
 * DELETE /v1/runs/:id), flow control from the synced config, cron armed at sync, onFailure, and
 * RetryAfterError.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { NonRetriableError, RetryAfterError, referenceFunction } from 'inngest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useAppFetch } from '../../actors/apps/synced-functions.js'
import { cronActorName, cronActorStub, deriveRunId } from '../../actors/internal.js'
import { SlotStore } from '../../actors/storage/slot-store.js'
import { gate, hit, hits, openGate, uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, sendEvent, stateOf, testEnv, waitForRun } from '../fixtures/runs.js'
import { APP_URL, officialClient, servedApp } from './official-app.js'

const client = officialClient('wk-flow')
type Data = { label: string }
const labelOf = (event: { data: unknown }) => (event.data as Data).label

const child = client.createFunction({ id: 'child', triggers: { event: 'wk-flow/child' } }, async ({ event, step }) => {
  const n = (event.data as { n: number }).n
  return step.run('double', () => n * 2)
})
const parent = client.createFunction({ id: 'parent', triggers: { event: 'wk-flow/parent' } }, async ({ step }) => {
  const synced = await step.invoke('call-child', { function: child, data: { n: 21 } })
  const local = await step.invoke('call-local', { function: referenceFunction({ appId: 'shop', functionId: 'hello-world' }), data: { name: 'Ada' } })
  return { synced, local }
})
const cancellable = client.createFunction(
  { id: 'cancellable', triggers: { event: 'wk-flow/cancellable' }, cancelOn: [{ event: 'wk-flow/cancel', if: 'async.data.label == event.data.label' }] },
  async ({ step }) => {
    await step.sleep('nap', '1h')
    return 'woke'
  },
)
const single = client.createFunction({ id: 'single', concurrency: { limit: 1 }, triggers: { event: 'wk-flow/single' } }, async ({ event, step }) => {
  const label = labelOf(event)
  return step.run('work', async () => {
    hit(`single-start:${label}`)
    await gate(`single:${label}`)
    return label
  })
})
const limited = client.createFunction({ id: 'limited', rateLimit: { limit: 1, period: '1h', key: 'event.data.label' }, triggers: { event: 'wk-flow/limited' } }, async ({ event }) => labelOf(event))
const nightly = client.createFunction({ id: 'nightly', triggers: { cron: '0 3 * * *' } }, async ({ event, step }) => step.run('tick', () => event.name))
const doomed = client.createFunction(
  {
    id: 'doomed',
    retries: 0,
    triggers: { event: 'wk-flow/doomed' },
    onFailure: async ({ event, error }) => {
      hit(`doomed-failure:${(event.data.event.data as Data).label}:${error.message}`)
    },
  },
  async ({ event, step }) => {
    await step.run('explode', () => {
      throw new NonRetriableError(`boom ${labelOf(event)}`)
    })
  },
)
const patient = client.createFunction({ id: 'patient', retries: 2, triggers: { event: 'wk-flow/patient' } }, async ({ event, step }) =>
  step.run('rate-limited', () => {
    if (hit(`patient:${labelOf(event)}`) === 1) throw new RetryAfterError('slow down', '45s')
    return 'ok'
  }),
)
const app = servedApp(client, [child, parent, cancellable, single, limited, nightly, doomed, patient])

const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const rawSlot = (name: string) => testEnv.INNGEST_SLOTS.get(testEnv.INNGEST_SLOTS.idFromName(name))
const waitingIn = (name: string) => runInDurableObject(rawSlot(name), (_, state) => new SlotStore(state.storage).queueHead<unknown>(100).map((row) => row.runId))
const start = async (name: string, data: Record<string, unknown>, fnId: string) => runIdFor(await sendEvent(name, data), `wk-flow-${fnId}`)

beforeAll(async () => {
  useAppFetch(app)
  const response = await app(APP_URL, { method: 'PUT' })
  expect(await response.json()).toMatchObject({ message: 'Successfully registered' })
})
afterAll(() => useAppFetch(undefined))

describe('a resync', () => {
  it('changes nothing when the app did not change, its onFailure function included', async () => {
    const response = await app(APP_URL, { method: 'PUT' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ message: 'Successfully registered', modified: false })
  })
})

describe('step.invoke from a synced function', () => {
  it('invokes a synced function of the same app and a function of the worker, and gets both results', async () => {
    const runId = await start('wk-flow/parent', {}, 'parent')
    const run = await waitForRun(runId, (r) => r.status === 'Completed' || r.status === 'Failed', 15_000)
    expect(run.snapshot?.context.error ?? null).toBeNull()
    expect(run.output).toEqual({ synced: 42, local: 'Hello, Ada!' })
  })
})

describe('cancellation of a synced run', () => {
  it('cancels on the cancelOn event of the synced config when its if matches', async () => {
    const label = uniqueLabel('cancel')
    const runId = await start('wk-flow/cancellable', { label }, 'cancellable')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    await sendEvent('wk-flow/cancel', { label: 'someone-else' })
    await sendEvent('wk-flow/cancel', { label })
    const run = await waitForRun(runId, (r) => r.status === 'Cancelled', 10_000)
    expect(run.snapshot!.context.error!.message).toMatch(/wk-flow\/cancel/)
  })

  it('cancels a sleeping run through DELETE /v1/runs/:id', async () => {
    const runId = await start('wk-flow/cancellable', { label: uniqueLabel('delete') }, 'cancellable')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    const response = await request(`/v1/runs/${runId}`, { method: 'DELETE', headers: AUTH })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { data: { status: string } }).data.status).toBe('Cancelled')
    await waitForRun(runId, (r) => r.status === 'Cancelled')
  })
})

describe('flow control from the synced config', () => {
  it('runs one at a time with concurrency { limit: 1 }: the second waits for the first', async () => {
    const [a, b] = [uniqueLabel('a'), uniqueLabel('b')]
    for (const label of [a, b]) void gate(`single:${label}`)
    const runA = await start('wk-flow/single', { label: a }, 'single')
    await expect.poll(() => hits(`single-start:${a}`), { timeout: 10_000 }).toBe(1)
    const runB = await start('wk-flow/single', { label: b }, 'single')
    await expect.poll(() => waitingIn('slot:concurrency:fn:wk-flow-single::'), { timeout: 10_000 }).toEqual([runB])
    expect(hits(`single-start:${b}`)).toBe(0)
    openGate(`single:${a}`)
    expect((await waitForRun(runA, (r) => r.status === 'Completed', 10_000)).output).toBe(a)
    await expect.poll(() => hits(`single-start:${b}`), { timeout: 10_000 }).toBe(1)
    openGate(`single:${b}`)
    expect((await waitForRun(runB, (r) => r.status === 'Completed', 10_000)).output).toBe(b)
  })

  it('skips an event over the rateLimit of the synced config', async () => {
    const label = uniqueLabel('rate')
    const first = await start('wk-flow/limited', { label }, 'limited')
    expect((await waitForRun(first, (r) => r.status === 'Completed', 10_000)).output).toBe(label)
    const second = await start('wk-flow/limited', { label }, 'limited')
    const skipped = await waitForRun(second, (r) => r.status === 'Skipped', 10_000)
    expect(skipped.snapshot!.context.error!.message).toBe('rateLimit')
  })
})

describe('a cron-triggered synced function', () => {
  it('is armed at sync, and its tick starts a run in the app', async () => {
    const [functionId, expression] = ['wk-flow-nightly', '0 3 * * *']
    const nextTick = (await cronActorStub(testEnv.INNGEST_CRONS, functionId, expression).inspect())?.nextTick
    expect(nextTick).toBeGreaterThan(Date.now())
    expect(new Date(nextTick!).toISOString()).toMatch(/T03:00:00\.000Z$/)
    const cron = testEnv.INNGEST_CRONS.get(testEnv.INNGEST_CRONS.idFromName(cronActorName(functionId, expression)))
    expect(await runDurableObjectAlarm(cron)).toBe(true)
    const runId = await deriveRunId(`cron:${functionId}:${nextTick}`, functionId, nextTick!)
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toBe('inngest/scheduled.timer')
  })
})

describe('onFailure of a synced function', () => {
  it('runs the SDK’s <id>-failure function once the function failed for good', async () => {
    const label = uniqueLabel('doomed')
    const runId = await start('wk-flow/doomed', { label }, 'doomed')
    const failed = await waitForRun(runId, (r) => r.status === 'Failed', 10_000)
    expect(failed.snapshot!.context.error).toMatchObject({ message: `boom ${label}` })
    await expect.poll(() => hits(`doomed-failure:${label}:boom ${label}`), { timeout: 10_000 }).toBe(1)
  })
})

describe('RetryAfterError from a synced step', () => {
  it('waits at least as long as the error asks before the retry', async () => {
    const label = uniqueLabel('patient')
    const runId = await start('wk-flow/patient', { label }, 'patient')
    const retrying = await waitForRun(runId, (r) => stateOf(r) === 'retrying', 10_000)
    const failedAt = retrying.steps[0]!.endedAt!
    // The SDK sends the time as a `retry-after` header (whole seconds, from its own clock): 45 s, give or take one.
    expect(retrying.snapshot!.context.timers[0]!.at - failedAt).toBeGreaterThanOrEqual(44_000)
    await runDurableObjectAlarm(rawRun(runId))
    expect((await waitForRun(runId, (r) => r.status === 'Completed', 10_000)).output).toBe('ok')
    expect(hits(`patient:${label}`)).toBe(2)
  })
})
