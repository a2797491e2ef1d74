/**
 * inngest.do as the Inngest server of an app built on the official SDK **v3** (`inngest-v3`,
 * served with `inngest-v3/node`: harness/official-v3-app.mjs), started as the v4 app of
 * server-protocol.test.ts is: `INNGEST_DEV=<worker url>` and nothing else. v3 writes functions
 * as `createFunction(config, trigger, handler)` and, asked with `version: -1`, runs them on
 * execution version 1 (each settled step of a parallel group asks for discovery on its own)
 * unless a function sets `optimizeParallelism` (version 2); it checkpoints only when a function
 * opts in. v3 names every error it serializes "Error": the executor takes the class from the
 * stack (sdk-ops.ts `withClassName`). A Node process, as v4's: not a workerd test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stepsOf, TERMINAL, type Run } from './harness/server-protocol-client.js'
import { startServerProtocolStack, type ServerProtocolStack } from './harness/server-protocol-stack.js'

const APP_ID = 'official-v3-app'
const FUNCTIONS = [
  'cancellable',
  'checkpointed',
  'child',
  'doomed',
  'doomed-failure',
  'invoker',
  'non-retriable',
  'non-retriable-uncaught',
  'parallel',
  'parallel-optimized',
  'race',
  'retry-basic',
  'sleeper',
  'steps-serial',
  'wait-for-event',
]
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

// Past the helpers' own 30 s polls, so a slow run fails with their message (and wrangler's log).
describe('an app on the official SDK v3, synced to inngest.do', { timeout: 45_000 }, () => {
  let stack: ServerProtocolStack
  let passed = false

  const send = (name: string, data: Record<string, unknown>) => stack.client.send(name, data)
  const finishedRun = (eventId: string) => stack.client.finishedRun(eventId)
  const counts = () => stack.app.counts()

  beforeAll(async () => {
    stack = await startServerProtocolStack('official-v3-app.mjs', 'server-protocol-v3')
  }, 180_000)

  afterAll(async () => {
    await stack?.stop(passed)
  })

  it('syncs with curl -X PUT <app>: the v3 SDK registers its functions at /fn/register', async () => {
    const response = await fetch(stack.app.url, { method: 'PUT' })
    expect(await response.json()).toEqual({ message: 'Successfully registered', modified: true })
    expect(response.status).toBe(200)
    const { data: apps } = await stack.client.getJson<{ data: Array<Record<string, unknown>> }>('/v1/apps')
    expect(apps).toEqual([expect.objectContaining({ id: APP_ID, url: stack.app.url, sync_kind: 'out_of_band', sdk: expect.stringMatching(/^js:v3\./), refused: [] })])
    const { data: functions } = await stack.client.getJson<{ data: Array<{ id: string }> }>(`/v1/apps/${APP_ID}/functions`)
    expect(functions.map((fn) => fn.id).sort()).toEqual(FUNCTIONS.map((id) => `${APP_ID}-${id}`))
  })

  it('resyncs by URL (POST /v1/apps, in band) without changing anything', async () => {
    const response = await fetch(`${stack.dev.url}/v1/apps`, { method: 'POST', body: JSON.stringify({ url: stack.app.url }) })
    expect(await response.json()).toEqual({ data: expect.objectContaining({ status: 200, ok: true, modified: false, sync_kind: 'in_band', app_id: APP_ID, refused: [] }) })
  })

  it('runs serial steps with a repeated id, each body once', async () => {
    const run = await finishedRun(await send('v3/steps-serial', { tag: 'serial', n: 1 }))
    expect(run).toMatchObject({ status: 'Completed', output: { a: 2, b: 3, c: 6 } })
    expect(stepsOf(run)).toEqual(['add:completed', 'add:1:completed', 'double:completed'])
    const seen = await counts()
    expect([seen['serial:add:serial'], seen['serial:double:serial']]).toEqual([2, 1])
  })

  it('runs a function that opts in to checkpointing: steps posted to /v1/checkpoint, each body once', async () => {
    const run = await finishedRun(await send('v3/checkpointed', { tag: 'cp', n: 1 }))
    expect(run).toMatchObject({ status: 'Completed', output: { a: 2, b: 20, c: 21 } })
    expect(stepsOf(run)).toEqual(['first:completed', 'second:completed', 'nap:completed', 'third:completed'])
    const seen = await counts()
    expect(['first', 'second', 'third'].map((step) => seen[`checkpointed:${step}:cp`])).toEqual([1, 1, 1])
    // wrangler dev logs each request: the SDK did checkpoint (a fallback to plain calls would also pass the above).
    expect(stack.dev.logTail(2_000)).toContain(`POST /v1/checkpoint/${run.run_id}/async`)
  })

  it('sleeps between steps (step.sleep "1s")', async () => {
    const run = await finishedRun(await send('v3/sleep', { tag: 'sleep' }))
    expect(run.status).toBe('Completed')
    expect((run.output as { sleptMs: number }).sleptMs).toBeGreaterThanOrEqual(1_000)
    expect(stepsOf(run)).toEqual(['before:completed', 'nap:completed', 'after:completed'])
  })

  it('retries a failing step, then succeeds', async () => {
    const run = await finishedRun(await send('v3/retry', { tag: 'retry' }))
    expect(run).toMatchObject({ status: 'Completed', output: { attempts: 3 } })
    expect((await counts())['retry:flaky:retry']).toBe(3)
  })

  it('fails a step at once on NonRetriableError, and the function catches it', async () => {
    const run = await finishedRun(await send('v3/fatal', { tag: 'fatal' }))
    expect(run).toMatchObject({ status: 'Completed', output: { caught: 'this step cannot succeed' } })
    expect(run.steps).toEqual([expect.objectContaining({ id: 'fatal-step', status: 'failed', error: expect.objectContaining({ name: 'NonRetriableError' }) })])
    expect((await counts())['fatal:step:fatal']).toBe(1)
  })

  it('fails the run without a retry when the function throws NonRetriableError', async () => {
    const run = await finishedRun(await send('v3/fatal-uncaught', { tag: 'uncaught' }))
    expect(run).toMatchObject({ status: 'Failed', error: { name: 'NonRetriableError', message: 'the function gives up' } })
    expect((await counts())['fatal-uncaught:body:uncaught']).toBe(1)
  })

  it('resumes a waitForEvent with the matching event, and with null at its timeout', async () => {
    const matched = await send('v3/wait', { tag: 'match' })
    const timedOut = await send('v3/wait', { tag: 'timeout' })
    await sleep(1_000)
    await send('v3/approved', { tag: 'other' })
    await send('v3/approved', { tag: 'match', by: 'ann' })
    expect(await finishedRun(matched)).toMatchObject({ status: 'Completed', output: { approved: { tag: 'match', by: 'ann' } } })
    expect(await finishedRun(timedOut)).toMatchObject({ status: 'Completed', output: { approved: null } })
  })

  it.each([
    ['execution version 1 (v3 default)', 'v3/parallel', 'parallel'],
    ['version 2 (optimizeParallelism)', 'v3/parallel-optimized', 'parallel-optimized'],
  ])('runs three parallel steps (Promise.all) on %s, each body once', async (_, event, fn) => {
    const run = await finishedRun(await send(event, { tag: fn }))
    expect(run).toMatchObject({ status: 'Completed', output: { sum: 42 } })
    expect(stepsOf(run).sort()).toEqual(['left:completed', 'middle:completed', 'right:completed', 'sum:completed'])
    const seen = await counts()
    expect(['left', 'middle', 'right', 'sum'].map((step) => seen[`${fn}:${step}:${fn}`])).toEqual([1, 1, 1, 1])
  })

  it('goes on after the winner of a Promise.race of a step and a 1h sleep', async () => {
    const run = await finishedRun(await send('v3/race', { tag: 'race' }))
    expect(run).toMatchObject({ status: 'Completed', output: { winner: 'fast', after: 'fast won' } })
    const seen = await counts()
    expect([seen['race:fast:race'], seen['race:after:race']]).toEqual([1, 1])
  })

  it('invokes a function of the same app (by function and by id string) and one of the worker', async () => {
    const run = await finishedRun(await send('v3/invoke', {}))
    expect(run).toMatchObject({ status: 'Completed', output: { synced: 42, byId: 10, local: 'Hello, Ada!' } })
  })

  it('cancels a sleeping run on its cancelOn event (match), and another through DELETE /v1/runs/:id', async () => {
    const sleepingRun = async (tag: string) => stack.client.runAtStep(await send('v3/cancellable', { tag }), 'nap')
    const [byEvent, byDelete] = [await sleepingRun('by-event'), await sleepingRun('by-delete')]
    await send('v3/cancel', { tag: 'someone-else' })
    await send('v3/cancel', { tag: 'by-event' })
    const deleted = await fetch(`${stack.dev.url}/v1/runs/${byDelete}`, { method: 'DELETE' })
    expect(((await deleted.json()) as { data: Run }).data.status).toBe('Cancelled')
    const ended = (run: Run) => TERMINAL.has(run.status)
    expect(await stack.client.runUntil(byEvent, ended)).toMatchObject({ status: 'Cancelled' })
    expect(await stack.client.runUntil(byDelete, ended)).toMatchObject({ status: 'Cancelled' })
  })

  it('runs the onFailure handler once the function failed for good', async () => {
    const run = await finishedRun(await send('v3/doomed', { tag: 'doomed' }))
    expect(run).toMatchObject({ status: 'Failed', error: { message: 'doomed doomed' } })
    const key = 'doomed:failure:doomed:doomed doomed'
    const deadline = Date.now() + 30_000
    while (!(await counts())[key] && Date.now() < deadline) await sleep(200)
    expect((await counts())[key]).toBe(1)
    passed = true
  })
})
