/**
 * An app built on the official Inngest SDK (v4, `inngest/cloudflare`), served in this isolate and
 * reached through an injected fetch, synced to the test worker in signed mode (INNGEST_DEV=0):
 * the SDK registers with the hashed signing key, our calls are signed and its replies verified.
 */
import { NonRetriableError } from 'inngest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useAppFetch } from '../../actors/apps/synced-functions.js'
import { runIdFor, sendEvent, waitForRun, AUTH } from '../fixtures/runs.js'
import { APP_URL, SIGNING_KEY, officialClient, servedApp, worker } from './official-app.js'

/** Step body executions by name, across attempts. */
const executions = new Map<string, number>()
const ran = (name: string) => {
  const next = (executions.get(name) ?? 0) + 1
  executions.set(name, next)
  return next
}

function officialApp(id: string, signingKey: string) {
  const client = officialClient(id, signingKey)
  const serial = client.createFunction({ id: 'serial', triggers: { event: 'wk/serial' } }, async ({ event, step }) => {
    const n = (event.data as { n: number }).n
    const a = await step.run('add', () => n + 1)
    const b = await step.run('add', () => a + 1)
    return { a, b }
  })
  const flaky = client.createFunction({ id: 'flaky', retries: 2, triggers: { event: 'wk/flaky' } }, async ({ event, step }) => {
    const tag = (event.data as { tag: string }).tag
    return step.run('flaky', () => {
      const attempt = ran(`flaky:${tag}`)
      if (attempt < 2) throw new Error(`attempt ${attempt} fails`)
      return { attempt }
    })
  })
  const fatal = client.createFunction({ id: 'fatal', retries: 2, triggers: { event: 'wk/fatal' } }, async ({ event, step }) => {
    const tag = (event.data as { tag: string }).tag
    try {
      await step.run('fatal', () => {
        ran(`fatal:${tag}`)
        throw new NonRetriableError('cannot work')
      })
      return 'unreachable'
    } catch (error) {
      return { caught: (error as Error).message }
    }
  })
  return servedApp(client, [serial, flaky, fatal])
}

describe('an official SDK app synced in signed mode', () => {
  const app = officialApp('wk-app', SIGNING_KEY)

  beforeAll(() => useAppFetch(((input: RequestInfo | URL, init?: RequestInit) => app(input, init)) as typeof fetch))
  afterAll(() => useAppFetch(undefined))

  it('syncs: PUT to the app makes the SDK post its functions to /fn/register with its hashed key', async () => {
    const response = await app(APP_URL, { method: 'PUT' })
    expect(await response.json()).toMatchObject({ message: 'Successfully registered' })
    const listed = await worker.fetch('http://inngest.test/v1/apps/wk-app/functions', { headers: AUTH })
    const { data } = (await listed.json()) as { data: Array<{ id: string; url: string }> }
    expect(data.map((fn) => fn.id).sort()).toEqual(['wk-app-fatal', 'wk-app-flaky', 'wk-app-serial'])
    expect(data[0]!.url).toMatch(/^http:\/\/official-app\.test\/api\/inngest\?fnId=wk-app-/)
  })

  it('runs serial steps with a repeated id over signed calls', async () => {
    const runId = await runIdFor(await sendEvent('wk/serial', { n: 1 }), 'wk-app-serial')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ a: 2, b: 3 })
    expect(run.steps.map((step) => step.id)).toEqual(['add', 'add:1'])
  })

  it('retries a failed step after its backoff, then completes', async () => {
    const runId = await runIdFor(await sendEvent('wk/flaky', { tag: 'one' }), 'wk-app-flaky')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 15_000)
    expect(run.output).toEqual({ attempt: 2 })
    expect(executions.get('flaky:one')).toBe(2)
  })

  it('hands a NonRetriableError to the function at once, as a StepError it can catch', async () => {
    const runId = await runIdFor(await sendEvent('wk/fatal', { tag: 'one' }), 'wk-app-fatal')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ caught: 'cannot work' })
    expect(executions.get('fatal:one')).toBe(1)
  })
})

describe('an official SDK app with the wrong signing key', () => {
  it('cannot sync: /fn/register refuses its key, and the SDK reports it', async () => {
    const app = officialApp('wrong-key-app', 'signkey-test-ffffffff')
    const response = await app(APP_URL, { method: 'PUT' })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/Unauthorized/) })
  })
})
