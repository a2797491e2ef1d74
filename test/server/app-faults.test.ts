/**
 * Faults between the executor and an app on the official v4 SDK: an app that cannot be reached,
 * that answers something that is not the SDK, or that is slow. Each costs an attempt, retried
 * with the function's backoff (the retry's alarm fired by hand), and ends in a failed run with an
 * error naming the app and the fix; a slow app holds only its own run.
 */
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { gate, hit, hits, openGate, uniqueLabel } from '../fixtures/probes.js'
import { runIdFor, sendEvent, stateOf, testEnv, waitForRun } from '../fixtures/runs.js'
import { APP_URL, officialClient, servedApp, useSyncedApps } from './official-app.js'

const client = officialClient('wk-faults')
type Data = { label: string }
const labelOf = (event: { data: unknown }) => (event.data as Data).label

const functions = [
  client.createFunction({ id: 'sturdy', retries: 1, triggers: { event: 'wk-faults/go' } }, async ({ event, step }) => step.run('work', () => (hit(`work:${labelOf(event)}`), labelOf(event)))),
]
const app = servedApp(client, functions)

/** What the network does to calls for a label: drop them, answer as a web page would, or hold them. */
type Fault = 'unreachable' | 'web-page' | 'slow'
const faults = new Map<string, { fault: Fault; times: number }>()

async function labelOfCall(request: Request): Promise<string | undefined> {
  const body = (await request.clone().json().catch(() => undefined)) as { event?: { data?: Data } } | undefined
  return body?.event?.data?.label
}

const network = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init)
  const label = request.method === 'POST' ? await labelOfCall(request) : undefined
  const fault = label ? faults.get(label) : undefined
  if (label && fault && fault.times > 0) {
    fault.times--
    hit(`call:${label}`)
    if (fault.fault === 'unreachable') throw new TypeError('fetch failed: connect ECONNREFUSED 10.0.0.9:3000')
    if (fault.fault === 'web-page') return new Response('<html>502 Bad Gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } })
    await gate(`slow:${label}`)
  }
  return app(request)
}) as typeof fetch

const rawRun = (runId: string) => testEnv.INNGEST_RUNS.get(testEnv.INNGEST_RUNS.idFromName(runId))

async function start(label: string, fault?: Fault, times = 0): Promise<string> {
  if (fault) faults.set(label, { fault, times })
  return runIdFor(await sendEvent('wk-faults/go', { label }), 'wk-faults-sturdy')
}

describe('an app that fails its calls', () => {
  useSyncedApps(network, [[app, APP_URL]])

  it('retries an unreachable app with the function’s backoff, then completes', async () => {
    const label = uniqueLabel('flaky-net')
    const runId = await start(label, 'unreachable', 1)
    const retrying = await waitForRun(runId, (r) => stateOf(r) === 'retrying', 10_000)
    expect(retrying.snapshot!.context.timers.length).toBe(1)
    await runDurableObjectAlarm(rawRun(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toBe(label)
    expect(hits(`work:${label}`)).toBe(1)
  })

  it('fails the run once the retries are spent, naming the app and what went wrong', async () => {
    const label = uniqueLabel('dead-net')
    const runId = await start(label, 'unreachable', 2)
    await waitForRun(runId, (r) => stateOf(r) === 'retrying', 10_000)
    await runDurableObjectAlarm(rawRun(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Failed', 10_000)
    expect(run.snapshot!.context.error).toMatchObject({ name: 'AppUnreachableError', message: expect.stringContaining(`Could not reach the app at ${APP_URL}`) })
    expect(hits(`call:${label}`)).toBe(2)
    expect(hits(`work:${label}`)).toBe(0)
  })

  it('takes an unsigned answer (a web page in front of the app) as a failed attempt, not as the function’s output', async () => {
    const label = uniqueLabel('web-page')
    const runId = await start(label, 'web-page', 2)
    await waitForRun(runId, (r) => stateOf(r) === 'retrying', 10_000)
    await runDurableObjectAlarm(rawRun(runId))
    const run = await waitForRun(runId, (r) => r.status === 'Failed', 10_000)
    // Signed mode: the missing signature is found first (dev mode says "it is not an Inngest SDK": http-protocol.test.ts).
    expect(run.snapshot!.context.error).toMatchObject({ name: 'UntrustedReplyError', message: expect.stringContaining('has no X-Inngest-Signature header. Check that the app has the same INNGEST_SIGNING_KEY') })
    expect(hits(`work:${label}`)).toBe(0)
  })

  it('holds only its own run while an app is slow', async () => {
    const slow = uniqueLabel('slow')
    void gate(`slow:${slow}`) // made here: a promise made inside the run's object could not be resolved from the test
    const slowRun = await start(slow, 'slow', 1)
    await expect.poll(() => hits(`call:${slow}`), { timeout: 10_000 }).toBe(1)
    const quick = uniqueLabel('quick')
    const quickRun = await waitForRun(await start(quick), (r) => r.status === 'Completed', 10_000)
    expect(quickRun.output).toBe(quick)
    expect((await waitForRun(slowRun, () => true)).status).toBe('Running')
    openGate(`slow:${slow}`)
    expect((await waitForRun(slowRun, (r) => r.status === 'Completed', 10_000)).output).toBe(slow)
  })
})
