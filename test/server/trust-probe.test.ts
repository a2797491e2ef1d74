/**
 * The trust probe of an out-of-band sync in signed mode: an app that would answer our calls
 * unsigned (in dev mode) is refused at sync, naming the fix, instead of failing every run.
 */
import { Inngest } from 'inngest'
import { afterAll, describe, expect, it } from 'vitest'
import { useAppFetch } from '../../actors/apps/synced-functions.js'
import { AUTH, request } from '../fixtures/runs.js'
import { APP_URL, SIGNING_KEY, officialClient, servedApp, worker } from './official-app.js'

const toWorker = ((input: RequestInfo | URL, init?: RequestInit) => worker.fetch(input, init)) as typeof fetch

function appOf(client: Inngest.Any) {
  return servedApp(client as ReturnType<typeof officialClient>, [client.createFunction({ id: 'probed', triggers: { event: 'wk-probe/go' } }, async () => 'ok')])
}

describe('the trust probe at sync', () => {
  afterAll(() => useAppFetch(undefined))

  it('syncs an app that signs its answers with our key', async () => {
    const app = appOf(officialClient('wk-probe-signed'))
    useAppFetch(app)
    expect(await (await app(APP_URL, { method: 'PUT' })).json()).toMatchObject({ message: 'Successfully registered' })
  })

  it('refuses an app in dev mode, naming INNGEST_DEV=0, and stores nothing', async () => {
    // Dev mode, yet told the server and the key: it registers with the key, but would neither check nor sign our calls.
    const client = new Inngest({ id: 'wk-probe-dev', isDev: true, signingKey: SIGNING_KEY, baseUrl: 'http://inngest.test', fetch: toWorker })
    const app = appOf(client)
    useAppFetch(app)
    const reply = (await (await app(APP_URL, { method: 'PUT' })).json()) as { message: string }
    expect(reply.message).toMatch(/did not sign its answer to our trust probe.*Fix: start it with INNGEST_DEV=0/)
    expect((await request('/v1/apps/wk-probe-dev/functions', { headers: AUTH })).status).toBe(404)
  })
})
