/**
 * `step.invoke` across apps: an app on the official v4 SDK invokes a function of another synced
 * app, and a worker's own function invokes a synced one (the way back, an app invoking a worker's
 * function, is in official-sdk-flow.test.ts). Two apps served in this isolate at two hosts.
 */
import { referenceFunction } from 'inngest'
import { describe, expect, it } from 'vitest'
import { INVOKE_ANY_FUNCTION_ID } from '../fixtures/invoke-any-functions.js'
import { runIdFor, sendEvent, waitForRun } from '../fixtures/runs.js'
import { officialClient, servedApp, useSyncedApps } from './official-app.js'

const billing = officialClient('wk-billing')
const shipping = officialClient('wk-shipping')

const quote = billing.createFunction({ id: 'quote', triggers: { event: 'wk-billing/quote' } }, async ({ event, step }) => {
  const { items } = event.data as { items: number }
  return step.run('price', () => ({ cents: items * 250 }))
})
const ship = shipping.createFunction({ id: 'ship', triggers: { event: 'wk-shipping/ship' } }, async ({ event, step }) => {
  const { items } = event.data as { items: number }
  const price = await step.invoke('quote', { function: referenceFunction({ appId: 'wk-billing', functionId: 'quote' }), data: { items } })
  return step.run('label', () => ({ label: `${items} item(s)`, price }))
})

const lost = shipping.createFunction({ id: 'lost', triggers: { event: 'wk-shipping/lost' } }, async ({ step }) =>
  step.invoke('nowhere', { function: referenceFunction({ appId: 'wk-billing', functionId: 'no-such-function' }), data: {} }),
)

const APPS: Record<string, typeof fetch> = {
  'billing.test': servedApp(billing, [quote]),
  'shipping.test': servedApp(shipping, [ship, lost]),
}
const network = ((input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init)
  const app = APPS[new URL(request.url).host]
  return app ? app(request) : Promise.reject(new TypeError(`no app at ${request.url}`))
}) as typeof fetch

describe('invoke across apps', () => {
  useSyncedApps(
    network,
    Object.keys(APPS).map((host) => [network, `http://${host}/api/inngest`] as const),
  )

  it('runs a function of another synced app and hands its result back', async () => {
    const runId = await runIdFor(await sendEvent('wk-shipping/ship', { items: 3 }), 'wk-shipping-ship')
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ label: '3 item(s)', price: { cents: 750 } })
  })

  it('lets a worker’s own function invoke a synced one', async () => {
    const data = { appId: 'wk-billing', functionId: 'quote', data: { items: 2 } }
    const runId = await runIdFor(await sendEvent('shop/invoke-any', data), INVOKE_ANY_FUNCTION_ID)
    const run = await waitForRun(runId, (r) => r.status === 'Completed', 10_000)
    expect(run.output).toEqual({ cents: 500 })
  })

  it('fails an invoke of a function nobody has at once, naming the id, instead of waiting out its timeout', async () => {
    const runId = await runIdFor(await sendEvent('wk-shipping/lost', {}), 'wk-shipping-lost')
    const run = await waitForRun(runId, (r) => r.status === 'Failed' || r.status === 'Completed', 10_000)
    expect(run.status).toBe('Failed')
    expect(run.snapshot!.context.error!.message).toMatch(/No function "wk-billing-no-such-function" is registered in this worker or synced from an app/)
  })
})

