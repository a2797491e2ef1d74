/**
 * inngest.do as the Inngest server of apps on the official SDK, v4 and v3, in the production
 * configuration of the README: the worker outside dev mode (`INNGEST_DEV=0`, the secrets
 * INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY), each app started with `INNGEST_BASE_URL=<worker>`
 * and `INNGEST_SIGNING_KEY`. One `wrangler dev` serves both apps. Our calls are signed and the
 * SDKs verify them, their replies are signed and we verify them, their calls to us
 * (`/fn/register`, `/v1/checkpoint`) carry their hashed key; a wrong key is refused both ways.
 * SDK v3 infers dev mode unless told otherwise (`INNGEST_DEV=0` or `NODE_ENV=production`): the
 * last test shows what happens to an app that was not.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { OfficialApp } from './harness/official-app-process.js'
import { stepsOf } from './harness/server-protocol-client.js'
import { startServerProtocolWorker, testSigningKey, type ServerProtocolWorker } from './harness/server-protocol-stack.js'

const SIGNING_KEY = testSigningKey()
const WRONG_KEY = testSigningKey()
const EVENT_KEY = 'signed-test-event-key'

/** An `X-Inngest-Signature` for `body` made with `key`, as the SDK makes one (inngest-js `signDataWithKey`). */
function signature(body: string, key: string): string {
  const t = String(Math.floor(Date.now() / 1000))
  return `t=${t}&s=${createHmac('sha256', key.replace(/^signkey-\w+-/, '')).update(body + t).digest('hex')}`
}

/** Per SDK: its app, and a function that runs steps around a sleep and checkpoints them (v4 by default, v3 by opting in). */
const SDKS = [
  { sdk: 'v4', script: 'official-app.ts', appId: 'official-app', env: {}, event: 'official/sleep', steps: ['before', 'nap', 'after'] },
  { sdk: 'v3', script: 'official-v3-app.mjs', appId: 'official-v3-app', env: { INNGEST_DEV: '0' }, event: 'v3/checkpointed', steps: ['first', 'second', 'nap', 'third'] },
] as const

describe('apps on the official SDK v4 and v3, signed (INNGEST_BASE_URL and INNGEST_SIGNING_KEY)', { timeout: 45_000 }, () => {
  let worker: ServerProtocolWorker
  const apps = new Map<string, OfficialApp>()
  let failed = false

  beforeAll(async () => {
    worker = await startServerProtocolWorker('server-protocol-signed', { signed: { signingKey: SIGNING_KEY, eventKey: EVENT_KEY } })
    for (const { sdk, script, env } of SDKS) apps.set(sdk, await worker.startApp(script, { env }))
  }, 180_000)
  beforeEach(({ onTestFailed }) => onTestFailed(() => void (failed = true)))
  afterAll(async () => {
    await worker?.stop(!failed)
  })

  /** Restarts the v3 app where it was synced, with other settings; resolves to the status and error of a run of its `doomed` (retries: 0). */
  async function v3RunWith(options: { signingKey?: string; env?: Record<string, string> }) {
    const port = Number(new URL(apps.get('v3')!.url).port)
    await apps.get('v3')!.kill()
    apps.set('v3', await worker.startApp('official-v3-app.mjs', { ...options, port }))
    const run = await worker.client.finishedRun(await worker.client.send('v3/doomed', { tag: 'key' }))
    return { status: run.status, error: run.error }
  }

  it('takes the event key at POST /e/:key and the signing key as Bearer at /v1', async () => {
    expect((await fetch(`${worker.dev.url}/e/dev`, { method: 'POST', body: '{"name":"x"}' })).status).toBe(401)
    expect((await fetch(`${worker.dev.url}/v1/apps`)).status).toBe(401)
    expect((await worker.client.request('/v1/apps', { headers: { authorization: `Bearer ${WRONG_KEY}` } })).status).toBe(401)
    expect((await worker.client.request('/v1/apps')).status).toBe(200)
  })

  describe.each(SDKS)('SDK $sdk', ({ sdk, appId, event, steps }) => {
    it('syncs with curl -X PUT <app>: the SDK posts /fn/register with its hashed signing key', async () => {
      const app = apps.get(sdk)!
      const response = await fetch(app.url, { method: 'PUT' })
      expect(await response.json()).toEqual({ message: 'Successfully registered', modified: true })
      const { data } = await worker.client.getJson<{ data: Array<{ id: string; url: string; sync_kind: string }> }>('/v1/apps')
      expect(data).toContainEqual(expect.objectContaining({ id: appId, url: app.url, sync_kind: 'out_of_band' }))
    })

    it('runs steps around a sleep: signed calls, verified replies, checkpoints with the key', async () => {
      const run = await worker.client.finishedRun(await worker.client.send(event, { tag: `signed-${sdk}` }))
      expect(run).toMatchObject({ status: 'Completed', error: null })
      expect(stepsOf(run)).toEqual(steps.map((step) => `${step}:completed`))
      // The SDK ran the steps in its process and posted them; wrangler logs each request it served.
      const log = worker.dev.logTail(2_000)
      expect(log).toContain(`POST /v1/checkpoint/${run.run_id}/async 200`)
      expect(log).not.toContain(`POST /v1/checkpoint/${run.run_id}/async 401`)
      expect((await fetch(`${worker.dev.url}/v1/runs/${run.run_id}`)).status).toBe(401)
      expect((await worker.client.request(`/v1/runs/${run.run_id}`)).status).toBe(200)
    })

    it('refuses (the SDK) a call without our signature, or signed with another key: 401', async () => {
      const app = apps.get(sdk)!
      const url = `${app.url}?fnId=${appId}-sleeper&stepId=step`
      const body = JSON.stringify({ event: { name: 'forged', data: { tag: 'forged' } }, events: [], steps: {}, ctx: { run_id: 'forged', attempt: 0 }, version: 1 })
      const headers = { 'content-type': 'application/json' }
      expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401)
      expect((await fetch(url, { method: 'POST', headers: { ...headers, 'x-inngest-signature': signature(body, WRONG_KEY) }, body })).status).toBe(401)
      expect(Object.keys(await app.counts()).filter((name) => name.includes('forged'))).toEqual([])
    })
  })

  it('refuses to sync an app with another signing key, both ways, and keeps the app synced before', async () => {
    const impostor = await worker.startApp('official-app.ts', { signingKey: WRONG_KEY })
    const put = await fetch(impostor.url, { method: 'PUT' })
    expect({ status: put.status, body: await put.json() }).toEqual({ status: 401, body: { modified: false, message: expect.stringMatching(/^Unauthorized: .*INNGEST_SIGNING_KEY/) } })
    // By URL: the SDK refuses our signed sync request.
    const byUrl = await worker.client.request('/v1/apps', { method: 'POST', body: JSON.stringify({ url: impostor.url }) })
    expect(await byUrl.json()).toEqual({ data: expect.objectContaining({ status: 401, ok: false, error: expect.stringMatching(/refused our sync request \(401\).*INNGEST_SIGNING_KEY/) }) })
    const { data } = await worker.client.getJson<{ data: Array<{ id: string; url: string }> }>('/v1/apps')
    expect(data).toContainEqual(expect.objectContaining({ id: 'official-app', url: apps.get('v4')!.url }))
    await impostor.kill()
  })

  it('fails a run of an app whose signing key changed: the SDK refuses our calls', async () => {
    expect(await v3RunWith({ signingKey: WRONG_KEY, env: { INNGEST_DEV: '0' } })).toEqual({
      status: 'Failed',
      error: expect.objectContaining({ name: 'AppUnauthorizedError', message: expect.stringContaining('refused our signature (401)') }),
    })
  })

  it('fails a run of an app that does not sign its replies (v3 without INNGEST_DEV=0 runs in dev mode)', async () => {
    expect(await v3RunWith({})).toEqual({
      status: 'Failed',
      error: expect.objectContaining({ name: 'UntrustedReplyError', message: expect.stringContaining('it has no X-Inngest-Signature header') }),
    })
  })
})
