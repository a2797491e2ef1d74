/**
 * Signals, `step.fetch` and removing an app, with the real v4 SDK in signed mode:
 * `step.waitForSignal` (the WaitForSignal op) on our signal streams, `inngest.sendSignal` and
 * `step.sendSignal` through `POST /v1/signals`; `step.fetch` (the Gateway op) made by the run's
 * object and memoized; `DELETE /v1/apps/:appId`.
 */
import { runDurableObjectAlarm } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useAppFetch } from '../../actors/apps/synced-functions.js'
import { gatewayRequestOf } from '../../actors/engine/http-executor/gateway-request.js'
import { MalformedResponseError, type SdkOp } from '../../actors/engine/http-executor/sdk-ops.js'
import { sdkMemoRow, signalWaitOf } from '../../actors/engine/http-executor/signal-op.js'
import type { StepRow } from '../../actors/storage/step-row.js'
import { hit, hits, uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, sendEvent, stateOf, testEnv, waitForRun } from '../fixtures/runs.js'
import { APP_URL, officialClient, servedApp } from './official-app.js'

const client = officialClient('wk-sig')
type Data = { label: string; signal: string; onConflict?: 'replace' | 'fail'; url: string; retries?: number }
const dataOf = (event: { data: unknown }) => event.data as Data

const awaiter = client.createFunction({ id: 'awaiter', triggers: { event: 'wk-sig/await' } }, async ({ event, step }) => {
  const { signal, onConflict = 'fail' } = dataOf(event)
  try {
    const received = await step.waitForSignal('approval', { signal, timeout: '1h', onConflict })
    // A step after the wait sees what the handler saw: the memo, not the raw event.
    const seen = await step.run('seen', () => received)
    return { received, seen }
  } catch (error) {
    return { failed: (error as Error).message }
  }
})
const sender = client.createFunction({ id: 'sender', triggers: { event: 'wk-sig/send' } }, async ({ event, step }) =>
  step.sendSignal('notify', { signal: dataOf(event).signal, data: { from: 'sender' } }),
)
const fetcher = client.createFunction({ id: 'fetcher', retries: 0, triggers: { event: 'wk-sig/fetch' } }, async ({ event, step }) => {
  const { label, url } = dataOf(event)
  try {
    const response = await step.fetch(url, { method: 'POST', headers: { 'x-label': label }, body: JSON.stringify({ label }) })
    const text = await response.text()
    const after = await step.run('after', () => ({ status: response.status, header: response.headers.get('x-target'), text }))
    return after
  } catch (error) {
    return { failed: (error as Error).message }
  }
})
const retriedFetch = client.createFunction({ id: 'retried-fetch', retries: 1, triggers: { event: 'wk-sig/fetch-retried' } }, async ({ event, step }) => {
  const response = await step.fetch(dataOf(event).url)
  return { status: response.status, text: await response.text() }
})
/** Started by the removed app's event too: once its run exists, the event was delivered. */
const witness = client.createFunction({ id: 'witness', triggers: { event: 'wk-gone/start' } }, async ({ event }) => dataOf(event).label)
const app = servedApp(client, [awaiter, sender, fetcher, retriedFetch, witness])

/** A second app, removed by a test. */
const GONE_URL = 'http://gone-app.test/api/inngest'
const goneClient = officialClient('wk-gone')
const napper = goneClient.createFunction({ id: 'napper', triggers: { event: 'wk-gone/start' } }, async ({ event, step }) => {
  await step.sleep('nap', '1h')
  return `woke ${dataOf(event).label}`
})
const goneApp = servedApp(goneClient, [napper])

/**
 * What step.fetch reaches: `/ok` answers 201 with a header and echoes the request; `/down`
 * answers 503; `/unreachable` fails as a network error does; `/flaky` fails once, then answers.
 * Each request counts a hit under its `x-label`, or its path.
 */
async function target(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const label = request.headers.get('x-label') ?? url.pathname
  const count = hit(`target:${label}`)
  if (url.pathname === '/unreachable') throw new TypeError('Network connection lost.')
  if (url.pathname === '/flaky' && count === 1) throw new TypeError('Network connection lost.')
  if (url.pathname === '/down') return new Response('try later', { status: 503 })
  const echo = { method: request.method, label, body: request.method === 'GET' ? null : await request.text() }
  return Response.json(echo, { status: url.pathname === '/flaky' ? 200 : 201, headers: { 'x-target': 'yes' } })
}

const routed = ((input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init)
  const host = new URL(request.url).host
  if (host === 'target.test') return target(request)
  if (host === 'gone-app.test') return goneApp(request)
  return app(request)
}) as typeof fetch

const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))
const start = async (name: string, data: Record<string, unknown>, fnId: string) => runIdFor(await sendEvent(name, data), fnId)

/** Starts a run of `awaiter` and resolves once its signal wait is registered. */
async function waiter(signal: string, onConflict: 'replace' | 'fail' = 'fail'): Promise<string> {
  const runId = await start('wk-sig/await', { signal, onConflict }, 'wk-sig-awaiter')
  await waitForRun(runId, (run) => stateOf(run) === 'waiting', 10_000)
  // A signal takes only waits requested before it was sent (by the clock): step past this millisecond.
  await new Promise((resolve) => setTimeout(resolve, 5))
  return runId
}

beforeAll(async () => {
  useAppFetch(routed)
  for (const [serve, url] of [
    [app, APP_URL],
    [goneApp, GONE_URL],
  ] as const) {
    const response = await serve(url, { method: 'PUT' })
    expect(await response.json()).toMatchObject({ message: 'Successfully registered' })
  }
})
afterAll(() => useAppFetch(undefined))

describe('step.waitForSignal in a synced function', () => {
  it('receives { signal, data } from inngest.sendSignal, which names the run', async () => {
    const signal = uniqueLabel('approve')
    const runId = await waiter(signal)
    expect(await client.sendSignal({ signal, data: { approved: true } })).toEqual({ runId })
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    const received = { signal, data: { approved: true } }
    expect(run.output).toEqual({ received, seen: received })
  })

  it('answers runId undefined (a 404 from /v1/signals) when no run waits', async () => {
    expect(await client.sendSignal({ signal: uniqueLabel('nobody'), data: {} })).toEqual({ runId: undefined })
  })

  it('receives a signal sent by step.sendSignal in another synced run', async () => {
    const signal = uniqueLabel('relay')
    const waiting = await waiter(signal)
    const sending = await start('wk-sig/send', { signal }, 'wk-sig-sender')
    expect((await waitForRun(sending, (r) => r.status === 'Completed', 10_000)).output).toEqual({ runId: waiting })
    const received = { signal, data: { from: 'sender' } }
    expect((await waitForRun(waiting, (r) => r.status === 'Completed', 10_000)).output).toEqual({ received, seen: received })
  })

  it('gets null once its timeout passes', async () => {
    const runId = await waiter(uniqueLabel('late'))
    await runDurableObjectAlarm(rawRun(runId))
    expect((await waitForRun(runId, (r) => r.status === 'Completed', 10_000)).output).toEqual({ received: null, seen: null })
  })

  it('with onConflict "fail", a second wait for the same signal throws a StepError the handler catches', async () => {
    const signal = uniqueLabel('conflict')
    const first = await waiter(signal)
    const second = await start('wk-sig/await', { signal, onConflict: 'fail' }, 'wk-sig-awaiter')
    const refused = await waitForRun(second, (r) => r.status === 'Completed', 10_000)
    expect(refused.output).toEqual({ failed: expect.stringMatching(/^Signal conflict: another run is already waiting for signal/) })
    expect(await client.sendSignal({ signal, data: 1 })).toEqual({ runId: first })
  })

  it('refuses POST /v1/signals without the signing key, in the shape the SDK reads', async () => {
    const response = await request('/v1/signals', { method: 'POST', body: JSON.stringify({ signal: 'x', data: null }) })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ status: 401, error: 'Unauthorized' })
    const bad = await request('/v1/signals', { method: 'POST', headers: AUTH, body: JSON.stringify({ data: 1 }) })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ status: 400, error: expect.stringMatching(/signal must be a non-empty string/) })
  })
})

describe('step.fetch in a synced function', () => {
  it('is made once by the run’s object; the handler gets the response, also on replay', async () => {
    const label = uniqueLabel('fetch')
    const runId = await start('wk-sig/fetch', { label, url: 'http://target.test/ok' }, 'wk-sig-fetcher')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ status: 201, header: 'yes', text: JSON.stringify({ method: 'POST', label, body: JSON.stringify({ label }) }) })
    // The step after the fetch made the app replay it: the memo answered, not the target.
    expect(hits(`target:${label}`)).toBe(1)
    expect(run.steps.map((step) => [step.id, step.status])).toEqual([
      ['step.fetch: target.test', 'completed'],
      ['after', 'completed'],
    ])
  })

  it('hands a non-2xx answer to the handler as a Response, as fetch does', async () => {
    const label = uniqueLabel('down')
    const runId = await start('wk-sig/fetch', { label, url: 'http://target.test/down' }, 'wk-sig-fetcher')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ status: 503, header: null, text: 'try later' })
    expect(hits(`target:${label}`)).toBe(1)
  })

  it('fails the step with a GatewayError on the last attempt when the request gets no answer', async () => {
    const label = uniqueLabel('unreachable')
    const runId = await start('wk-sig/fetch', { label, url: 'http://target.test/unreachable' }, 'wk-sig-fetcher')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ failed: expect.stringMatching(/^Error making gateway request: POST http:\/\/target\.test\/unreachable: Network connection lost/) })
    expect(hits(`target:${label}`)).toBe(1)
  })

  it('retries the run when the request gets no answer and attempts remain', async () => {
    const before = hits('target:/flaky')
    const runId = await start('wk-sig/fetch-retried', { url: 'http://target.test/flaky' }, 'wk-sig-retried-fetch')
    await waitForRun(runId, (r) => stateOf(r) === 'retrying', 10_000)
    await runDurableObjectAlarm(rawRun(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ status: 200, text: JSON.stringify({ method: 'GET', label: '/flaky', body: null }) })
    expect(hits('target:/flaky') - before).toBe(2)
  })
})

describe('DELETE /v1/apps/:appId', () => {
  it('removes the app: its functions start no new runs, and a run in flight finishes', async () => {
    const inFlight = await start('wk-gone/start', { label: uniqueLabel('before') }, 'wk-gone-napper')
    await waitForRun(inFlight, (r) => stateOf(r) === 'sleeping', 10_000)

    const response = await request('/v1/apps/wk-gone', { method: 'DELETE', headers: AUTH })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ data: { id: 'wk-gone', removed: true, functions: ['wk-gone-napper'] } })
    expect((await request('/v1/apps/wk-gone/functions', { headers: AUTH })).status).toBe(404)

    // The app's event still starts the other app's witness, no longer the removed napper.
    const eventId = await sendEvent('wk-gone/start', { label: 'after' })
    expect((await waitForRun(await runIdFor(eventId, 'wk-sig-witness'), (r) => r.status === 'Completed', 10_000)).output).toBe('after')
    expect((await waitForRun(await runIdFor(eventId, 'wk-gone-napper'), () => true)).status).toBe('Unknown')

    await runDurableObjectAlarm(rawRun(inFlight))
    expect((await waitForRun(inFlight, (r) => r.status === 'Completed', 10_000)).output).toMatch(/^woke before-/)
  })

  it('answers 404 JSON for an app that is not synced', async () => {
    const response = await request('/v1/apps/no-such-app', { method: 'DELETE', headers: AUTH })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: 'app no-such-app is not synced', field: 'appId' })
  })
})

describe('the WaitForSignal and Gateway ops, read', () => {
  const op = (fields: Partial<SdkOp>): SdkOp => ({ id: 'h', op: 'X', hasData: false, userland: { id: 'step' }, ...fields })
  const row = (fields: Partial<StepRow>): StepRow => ({ key: 'h', id: 'w', kind: 'wait', position: 0, concurrent: false, status: 'completed', attempts: 0, output: null, error: null, startedAt: 0, endedAt: 1, wakeAt: null, ...fields })

  it('reads a signal wait: the signal, its timeout (a duration or a time) and its conflict rule', () => {
    const wait = signalWaitOf(op({ op: 'WaitForSignal', name: 'go', opts: { signal: 'go', timeout: '1h30m', conflict: 'replace' } }))
    expect(wait).toMatchObject({ signal: 'go', exclusive: false })
    expect(wait.timeoutAt(1_000)).toBe(1_000 + 90 * 60_000)
    expect(signalWaitOf(op({ op: 'WaitForSignal', opts: { signal: 'go', timeout: '2030-01-01T00:00:00.000Z' } })).timeoutAt(Date.parse('2029-06-01'))).toBe(Date.parse('2030-01-01T00:00:00.000Z'))
    expect(signalWaitOf(op({ op: 'WaitForSignal', name: 'go', opts: { timeout: '1m' } })).exclusive).toBe(true)
    expect(() => signalWaitOf(op({ op: 'WaitForSignal', opts: { signal: 'go', conflict: 'share' } }))).toThrow(MalformedResponseError)
  })

  it('shows the SDK a signal wait’s row as { signal, data }, or failed on a conflict, and leaves other rows alone', () => {
    const event = { name: 'inngest/signal:go', id: 'e1', ts: 5, data: { signal: 'go', data: { n: 1 } }, user: {} }
    expect(sdkMemoRow(row({ output: JSON.stringify(event) })).output).toBe(JSON.stringify({ signal: 'go', data: { n: 1 } }))
    const conflict = sdkMemoRow(row({ output: JSON.stringify({ ...event, id: '#conflict', data: { conflict: true } }) }))
    expect(conflict).toMatchObject({ status: 'failed', output: null, error: { message: expect.stringMatching(/^Signal conflict: .* signal "go"/) } })
    const timedOut = row({ output: 'null' })
    expect(sdkMemoRow(timedOut)).toBe(timedOut)
    const waitedEvent = row({ output: JSON.stringify({ ...event, name: 'app/approved' }) })
    expect(sdkMemoRow(waitedEvent)).toBe(waitedEvent)
  })

  it('reads a gateway request, and refuses a body that is not text, naming the fix', () => {
    expect(gatewayRequestOf(op({ op: 'Gateway', opts: { url: 'https://api.test/x', headers: { a: '1' } } }))).toEqual({ url: 'https://api.test/x', method: 'POST', headers: { a: '1' } })
    expect(() => gatewayRequestOf(op({ op: 'Gateway', opts: { url: 'https://api.test/x', method: 'POST', body: {} } }))).toThrow(/must be a string .*JSON\.stringify/)
    expect(() => gatewayRequestOf(op({ op: 'Gateway', opts: { url: 'ftp://api.test/x' } }))).toThrow(MalformedResponseError)
  })
})
