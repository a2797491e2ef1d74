/**
 * What a run costs in calls to its app. Parallel steps are called side by side. Checkpointing, the v4 SDK's default: our calls carry `ctx.fn_id`, so the SDK runs the steps it
 * finds in-process, posts each to `/v1/checkpoint/:runId/async` (recorded in the run's object
 * before the answer), and answers the call only with what suspends the run. A run of N steps
 * costs one call per suspension, not one per step. Driven with the real SDK, served in this
 * isolate in signed mode; both directions are counted at the app's edges.
 */
import { Inngest, NonRetriableError } from 'inngest'
import { serve } from 'inngest/cloudflare'
import { describe, expect, it } from 'vitest'
import { AUTH, request, runIdFor, sendEvent, waitForRun } from '../fixtures/runs.js'
import { SIGNING_KEY, useSyncedApps, worker } from './official-app.js'

/** What crossed the app's edges: calls in by function, and the SDK's own requests out by path and status. */
const calls = new Map<string, number>()
const outgoing: Array<{ path: string; status: number }> = []
const bodies = new Map<string, number>()
const ran = (name: string) => bodies.set(name, (bodies.get(name) ?? 0) + 1)

const client = new Inngest({
  id: 'cp-app',
  signingKey: SIGNING_KEY,
  baseUrl: 'http://inngest.test',
  fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await worker.fetch(input, init)
    outgoing.push({ path: new URL(input instanceof Request ? input.url : input).pathname, status: response.status })
    return response
  }) as typeof fetch,
})

/** Lets the test hold a step body until it has cancelled the run. */
let releaseHeld: () => void = () => {}
let held = new Promise<void>((resolve) => (releaseHeld = resolve))

const BIG = 'x'.repeat(1_600_000)

/** Parallel step bodies that started, and the moment all three had: each waits for the others. */
let started = 0
let allStarted: () => void = () => {}
const together = new Promise<void>((resolve) => (allStarted = resolve))
async function meetTheOthers(name: string): Promise<string> {
  if (++started === 3) allStarted()
  const alone = new Promise<never>((_, reject) => setTimeout(() => reject(new NonRetriableError(`${name} ran alone: its siblings were not called beside it`)), 3_000))
  await Promise.race([together, alone])
  return name
}

const functions = [
  client.createFunction({ id: 'twenty', triggers: { event: 'cp/twenty' } }, async ({ step }) => {
    let total = 0
    for (let i = 0; i < 20; i++) total += await step.run(`s${i}`, () => (ran(`twenty:s${i}`), i))
    return { total }
  }),
  client.createFunction({ id: 'napper', triggers: { event: 'cp/napper' } }, async ({ step }) => {
    const a = await step.run('before', () => (ran('napper:before'), 1))
    await step.sleep('nap', '1s')
    const b = await step.run('after', () => (ran('napper:after'), 2))
    return a + b
  }),
  client.createFunction({ id: 'classic', checkpointing: false, triggers: { event: 'cp/classic' } }, async ({ step }) => {
    const a = await step.run('a', () => 1)
    const b = await step.run('b', () => a + 1)
    return await step.run('c', () => b + 1)
  }),
  client.createFunction({ id: 'large', checkpointing: false, triggers: { event: 'cp/large' } }, async ({ step }) => {
    const sizes: number[] = []
    for (const id of ['l1', 'l2', 'l3']) sizes.push((await step.run(id, () => BIG)).length)
    return sizes
  }),
  client.createFunction({ id: 'side-by-side', triggers: { event: 'cp/side-by-side' } }, async ({ step }) => {
    const names = await Promise.all(['x', 'y', 'z'].map((id) => step.run(id, () => meetTheOthers(id))))
    return step.run('joined', () => names.join('+'))
  }),
  client.createFunction({ id: 'held', triggers: { event: 'cp/held' } }, async ({ step }) => {
    await step.run('first', () => (ran('held:first'), 1))
    await step.run('second', async () => {
      await held
      ran('held:second')
      return 2
    })
    return 'unreachable once cancelled'
  }),
]

const handler = serve({ client, functions }) as unknown as (request: Request, env: Record<string, string>) => Promise<Response>
const app = ((input: RequestInfo | URL, init?: RequestInit) => {
  const incoming = new Request(input, init)
  const fnId = new URL(incoming.url).searchParams.get('fnId')
  if (fnId) calls.set(fnId, (calls.get(fnId) ?? 0) + 1)
  const headers = new Headers(incoming.headers)
  headers.set('host', new URL(incoming.url).host)
  return handler(new Request(incoming, { headers }), {})
}) as typeof fetch

const checkpointsOf = (runId: string) => outgoing.filter((r) => r.path === `/v1/checkpoint/${runId}/async`)

describe('checkpointing with the official v4 SDK', () => {
  useSyncedApps(app)

  it('runs 20 steps in one call: each step checkpointed once, its body run once', async () => {
    const runId = await runIdFor(await sendEvent('cp/twenty', {}), 'cp-app-twenty')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ total: 190 })
    expect(run.steps.map((s) => s.id)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`))
    expect(calls.get('cp-app-twenty')).toBe(1)
    expect(checkpointsOf(runId).map((r) => r.status)).toEqual(Array(20).fill(200))
    for (let i = 0; i < 20; i++) expect(bodies.get(`twenty:s${i}`)).toBe(1)
  })

  it('costs one call per suspension: the steps before a sleep, then the rest after it', async () => {
    const runId = await runIdFor(await sendEvent('cp/napper', {}), 'cp-app-napper')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toBe(3)
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([
      ['before', 'completed'],
      ['nap', 'completed'],
      ['after', 'completed'],
    ])
    expect(calls.get('cp-app-napper')).toBe(2)
    expect(checkpointsOf(runId)).toHaveLength(2)
    expect([bodies.get('napper:before'), bodies.get('napper:after')]).toEqual([1, 1])
  })

  it('takes the classic path when the app turns checkpointing off: one call per step', async () => {
    const runId = await runIdFor(await sendEvent('cp/classic', {}), 'cp-app-classic')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toBe(3)
    expect(calls.get('cp-app-classic')).toBe(4) // a, b, c, then the return
    expect(checkpointsOf(runId)).toHaveLength(0)
  })

  it('calls parallel steps side by side: each body waits for its siblings to start', async () => {
    const runId = await runIdFor(await sendEvent('cp/side-by-side', {}), 'cp-app-side-by-side')
    const run = await waitForRun(runId, (r) => r.status !== 'Running', 10_000)
    expect({ status: run.status, error: run.snapshot?.context.error }).toEqual({ status: 'Completed', error: null })
    expect(run.output).toBe('x+y+z')
    expect(run.steps.map((s) => s.id).sort()).toEqual(['joined', 'x', 'y', 'z'])
  })

  it('sends use_api once the memo outgrows a request, and the SDK fetches it from /v0/runs', async () => {
    const runId = await runIdFor(await sendEvent('cp/large', {}), 'cp-app-large')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 20_000)
    expect(run.output).toEqual([BIG.length, BIG.length, BIG.length])
    const fetched = outgoing.filter((r) => r.path.startsWith(`/v0/runs/${runId}/`))
    // Only the last call's memo (three outputs) is over 4 MB.
    expect(fetched.map((r) => [r.path.split('/').pop(), r.status]).sort()).toEqual([
      ['actions', 200],
      ['batch', 200],
    ])
  })

  it('answers 409 to a checkpoint whose call is gone (the run was cancelled), and the step is not recorded', async () => {
    const runId = await runIdFor(await sendEvent('cp/held', {}), 'cp-app-held')
    await waitForRun(runId, (r) => r.steps.some((s) => s.id === 'first' && s.status === 'completed'), 10_000)
    const cancelled = await request(`/v1/runs/${runId}`, { method: 'DELETE', headers: AUTH })
    expect(cancelled.status).toBe(200)
    releaseHeld()
    const deadline = Date.now() + 10_000
    while (checkpointsOf(runId).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(checkpointsOf(runId).map((r) => r.status)).toEqual([200, 409])
    expect(bodies.get('held:second')).toBe(1)
    const run = await waitForRun(runId, (r) => r.status === 'Cancelled')
    expect(run.steps.map((s) => s.id)).toEqual(['first'])
    held = Promise.resolve()
  })

  it('refuses checkpoints without the signing key (401), for no call in flight (409), and malformed (400)', async () => {
    const body = JSON.stringify({ run_id: 'r', qi_id: 'nope', steps: [] })
    expect((await request('/v1/checkpoint/r/async', { method: 'POST', body })).status).toBe(401)
    const stale = await request('/v1/checkpoint/r/async', { method: 'POST', body, headers: AUTH })
    expect(stale.status).toBe(409)
    expect(await stale.json()).toMatchObject({ error: expect.stringContaining('stale dispatch'), field: 'qi_id' })
    const malformed = await request('/v1/checkpoint/r/async', { method: 'POST', body: '{"steps":[]}', headers: AUTH })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({ field: 'qi_id' })
    expect((await request('/v0/runs/r/actions')).status).toBe(401)
    expect((await request('/v1/checkpoint', { method: 'POST', body: '{}', headers: AUTH })).status).toBe(501)
  })
})
