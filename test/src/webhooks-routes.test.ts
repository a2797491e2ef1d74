/**
 * Webhooks through the test worker, as providers deliver them: signed as each provider
 * documents, verified, transformed, stored and answered `{ ids, status: 200 }`, with the run
 * started after; provider retries deduplicated; bad signatures refused with nothing stored;
 * failed transforms recorded as `inngest/webhook.failed` and visible over REST.
 */
import { createHmac } from 'node:crypto'
import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'
import { inngestRoutes } from '../../src/hono.js'
import { webhook, type Webhook } from '../../src/index.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, testEnv } from '../fixtures/runs.js'

type Answer = { ids: string[]; status: number }
type ErrorAnswer = { error: string; field?: string; fix?: string }
type StoredEvent = { id: string; name: string; data: Record<string, any> }
type RunResource = { status: string; output: unknown; function_id: string }

const STRIPE_SECRET = 'whsec_test_stripe_current'
const GITHUB_SECRET = "It's a Secret to Everybody"
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5'
const STANDARD_KEY = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64')
const nowSeconds = () => Math.floor(Date.now() / 1000)
const hex = (secret: string | Buffer, message: string, algorithm = 'sha256') => createHmac(algorithm, secret).update(message).digest('hex')
const base64 = (secret: string | Buffer, message: string, algorithm = 'sha256') => createHmac(algorithm, secret).update(message).digest('base64')

const post = (path: string, body: string, headers: Record<string, string> = {}) => request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })

/** A Stripe delivery of `event`, signed as Stripe does at `t` (seconds). */
function stripeDelivery(event: object, { secret = STRIPE_SECRET, t = nowSeconds(), tamper = (body: string) => body } = {}) {
  const body = JSON.stringify(event)
  return post('/webhooks/stripe', tamper(body), { 'stripe-signature': `t=${t},v1=${hex(secret, `${t}.${body}`)}` })
}

async function storedEvent(id: string): Promise<StoredEvent | undefined> {
  const response = await request(`/v1/events/${encodeURIComponent(id)}`, { headers: AUTH })
  return response.status === 200 ? ((await response.json()) as { data: StoredEvent }).data : undefined
}

const listed = async (name: string) => ((await (await request(`/v1/events?name=${encodeURIComponent(name)}&limit=100`, { headers: AUTH })).json()) as { data: StoredEvent[] }).data

/** Polls `GET /v1/events/:id/runs` until the event's runs have all completed. */
async function completedRuns(eventId: string): Promise<RunResource[]> {
  let runs: RunResource[] = []
  await vi.waitFor(
    async () => {
      runs = ((await (await request(`/v1/events/${encodeURIComponent(eventId)}/runs`, { headers: AUTH })).json()) as { data: RunResource[] }).data
      if (runs.length === 0 || runs.some((run) => run.status !== 'Completed')) throw new Error(`runs of ${eventId}: ${JSON.stringify(runs.map((r) => r.status))}`)
    },
    { timeout: 10_000, interval: 20 },
  )
  return runs
}

describe('Stripe through POST /webhooks/stripe', () => {
  it('stores the event under the delivery id, answers at once, and the run it starts completes', async () => {
    const evt = { id: uniqueLabel('evt'), object: 'event', type: 'charge.succeeded', data: { object: { amount: 2000 } } }
    const response = await stripeDelivery(evt)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ids: [`stripe:${evt.id}`], status: 200 })
    expect(await storedEvent(`stripe:${evt.id}`)).toMatchObject({ name: 'webhook-test/stripe.charge.succeeded', data: evt })
    const [run] = await completedRuns(`stripe:${evt.id}`)
    expect(run).toMatchObject({ function_id: 'shop-webhook-stripe-recorder', output: { type: 'charge.succeeded', object: { amount: 2000 } } })
  })

  it('deduplicates a retried delivery: same id back, one stored event, one run', async () => {
    const evt = { id: uniqueLabel('evt'), object: 'event', type: 'invoice.paid', data: { object: {} } }
    const first = (await (await stripeDelivery(evt, { t: nowSeconds() - 5 })).json()) as Answer
    await completedRuns(`stripe:${evt.id}`)
    // Stripe signs each retry anew, with a new timestamp.
    const retry = (await (await stripeDelivery(evt)).json()) as Answer
    expect(retry).toEqual(first)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(hits(`webhook-stripe:stripe:${evt.id}`)).toBe(1)
    expect((await listed('webhook-test/stripe.invoice.paid')).filter((event) => event.id === `stripe:${evt.id}`)).toHaveLength(1)
  })

  it('accepts a delivery signed with the next secret during a rotation', async () => {
    const evt = { id: uniqueLabel('evt'), type: 'charge.refunded', data: { object: {} } }
    expect(await (await stripeDelivery(evt, { secret: 'whsec_test_stripe_next' })).json()).toEqual({ ids: [`stripe:${evt.id}`], status: 200 })
  })

  it.each([
    ['a tampered body', () => ({ tamper: (body: string) => body.replace('charge.failed', 'charge.succeeded') }), 'the signature does not match'],
    ['a wrong secret', () => ({ secret: 'whsec_someone_else' }), 'the signature does not match'],
    ['a replay after 5 minutes', () => ({ t: nowSeconds() - 301 }), /s old; at most 300 s are accepted/],
  ] as const)('refuses %s with a 401 and stores nothing', async (_case, change, error) => {
    const evt = { id: uniqueLabel('evt'), type: 'charge.failed', data: { object: {} } }
    const response = await stripeDelivery(evt, change())
    expect(response.status).toBe(401)
    const body = (await response.json()) as ErrorAnswer
    expect(body.error).toMatch(error)
    expect(body).toMatchObject({ field: 'Stripe-Signature', fix: expect.any(String) })
    expect(await storedEvent(`stripe:${evt.id}`)).toBeUndefined()
  })

  it('refuses a delivery without a signature', async () => {
    const response = await post('/webhooks/stripe', '{"id":"evt_unsigned","type":"x"}')
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'the Stripe-Signature header is missing', field: 'Stripe-Signature' })
  })
})

describe('the other schemes through their routes', () => {
  it("GitHub: the event name from X-GitHub-Event, the id from X-GitHub-Delivery", async () => {
    const delivery = crypto.randomUUID()
    const body = JSON.stringify({ ref: 'refs/heads/main', commits: [] })
    const response = await post('/webhooks/github', body, { 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${hex(GITHUB_SECRET, body)}` })
    expect(await response.json()).toEqual({ ids: [`github:${delivery}`], status: 200 })
    expect(await storedEvent(`github:${delivery}`)).toMatchObject({ name: 'webhook-test/github.push', data: { payload: { ref: 'refs/heads/main' } } })
    const forged = await post('/webhooks/github', body, { 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': `sha256=${hex('guess', body)}` })
    expect(forged.status).toBe(401)
  })

  it('Slack: a slash command form becomes arrays of strings; an Events API body keeps its event_id', async () => {
    const label = uniqueLabel('slack')
    const form = `command=%2Fdeploy&text=${label}&user_id=U1`
    const t = String(nowSeconds())
    const signed = (body: string) => ({ 'x-slack-request-timestamp': t, 'x-slack-signature': `v0=${hex(SLACK_SECRET, `v0:${t}:${body}`)}` })
    const command = (await (await post('/webhooks/slack', form, { ...signed(form), 'content-type': 'application/x-www-form-urlencoded' })).json()) as Answer
    expect(await storedEvent(command.ids[0]!)).toMatchObject({ name: 'webhook-test/slack', data: { body: { command: ['/deploy'], text: [label], user_id: ['U1'] } } })
    const eventId = uniqueLabel('Ev')
    const callback = JSON.stringify({ type: 'event_callback', event_id: eventId, event: { type: 'app_mention' } })
    expect(await (await post('/webhooks/slack', callback, signed(callback))).json()).toEqual({ ids: [`slack:${eventId}`], status: 200 })
  })

  it("Slack: the URL verification handshake is answered with its challenge, nothing stored", async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' })
    const t = String(nowSeconds())
    const response = await post('/webhooks/slack', body, { 'x-slack-request-timestamp': t, 'x-slack-signature': `v0=${hex(SLACK_SECRET, `v0:${t}:${body}`)}` })
    expect(await response.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' })
  })

  it('Standard Webhooks: webhook-* and svix-* headers, the message id as event id', async () => {
    for (const prefix of ['webhook', 'svix']) {
      const id = uniqueLabel('msg')
      const t = String(nowSeconds())
      const body = JSON.stringify({ type: 'user.created', data: { id: 'user_1' } })
      const headers = { [`${prefix}-id`]: id, [`${prefix}-timestamp`]: t, [`${prefix}-signature`]: `v1,${base64(STANDARD_KEY, `${id}.${t}.${body}`)}` }
      expect(await (await post('/webhooks/standard', body, headers)).json(), prefix).toEqual({ ids: [`standard:${id}`], status: 200 })
    }
  })

  it('Shopify: base64 HMAC of the body, X-Shopify-Webhook-Id as id', async () => {
    const id = crypto.randomUUID()
    const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com' })
    const response = await post('/webhooks/shopify', body, { 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': id, 'x-shopify-hmac-sha256': base64('shopify-test-secret', body) })
    expect(await response.json()).toEqual({ ids: [`shopify:${id}`], status: 200 })
    expect((await storedEvent(`shopify:${id}`))?.name).toBe('webhook-test/shopify.orders/create')
  })

  it('generic HMAC: one delivery becomes several events with distinct ids; the query reaches the transform', async () => {
    const delivery = uniqueLabel('d')
    const body = JSON.stringify({ items: [{ sku: 'a' }, { sku: 'b' }] })
    const response = await post('/webhooks/acme?source=store', body, { 'x-acme-delivery': delivery, 'x-acme-signature': `sha512=${base64('acme-test-secret', body, 'sha512')}` })
    expect(await response.json()).toEqual({ ids: [`acme:${delivery}-0`, `acme:${delivery}-1`], status: 200 })
    expect((await storedEvent(`acme:${delivery}-1`))?.data).toEqual({ sku: 'b', source: 'store' })
  })
})

describe('failed deliveries are kept', () => {
  it('a transform that throws: 422 { error, field, fix }, the raw body stored as inngest/webhook.failed, alerts run', async () => {
    const delivery = uniqueLabel('boom')
    const body = JSON.stringify({ fail: 'no such customer', card: '4242' })
    const response = await post('/webhooks/open?tenant=t1', body, { 'x-delivery': delivery, 'user-agent': 'Sender/1.0', authorization: 'Bearer not-kept' })
    expect(response.status).toBe(422)
    const answer = (await response.json()) as ErrorAnswer
    // Outside dev mode the sender hears the error's name, not its message (it may quote data).
    expect(answer).toEqual({ error: 'the transform threw Error', field: 'transform', fix: expect.stringContaining(`kept as event open:${delivery}:failed`) })
    const record = (await listed('inngest/webhook.failed')).find((event) => event.id === `open:${delivery}:failed`)
    expect(record?.data).toEqual({
      webhook: 'open',
      status: 422,
      error: 'the transform threw Error: cannot transform: no such customer',
      field: 'transform',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'Sender/1.0', 'x-delivery': delivery },
      query: { tenant: 't1' },
      delivery_id: delivery,
    })
    const [alert] = await completedRuns(`open:${delivery}:failed`)
    expect(alert?.output).toBe('open: the transform threw Error: cannot transform: no such customer')
    // The sender retries the same delivery: still one record.
    expect((await post('/webhooks/open', body, { 'x-delivery': delivery })).status).toBe(422)
    expect((await listed('inngest/webhook.failed')).filter((event) => event.id === `open:${delivery}:failed`)).toHaveLength(1)
  })

  it.each([
    ['no name', { data: {} }, 'event[0].name: name is required'],
    ['a reserved name', { name: 'inngest/function.failed' }, 'event[0].name: name "inngest/function.failed" is reserved'],
    ['something not an event', 'just text', 'event[0]: an event must be a JSON object'],
    ['data that is not an object', [{ name: 'a/b', data: { ok: true } }, { name: 'a/b', data: [1] }], 'event[1].data: data must be a JSON object'],
  ])('a transform returning %s: 422 naming the event and field, recorded', async (_case, events, error) => {
    const delivery = uniqueLabel('invalid')
    const response = await post('/webhooks/open', JSON.stringify({ events }), { 'x-delivery': delivery })
    expect(response.status).toBe(422)
    const answer = (await response.json()) as ErrorAnswer
    expect(answer.error).toContain(error)
    expect(answer.field).toBe('transform')
    expect((await storedEvent(`open:${delivery}:failed`))?.data).toMatchObject({ webhook: 'open', status: 422, field: 'transform' })
  })

  it('a body that is not JSON: 400, recorded with the delivery id', async () => {
    const delivery = crypto.randomUUID()
    const body = 'Hello, World!'
    const response = await post('/webhooks/github', body, { 'x-github-event': 'ping', 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${hex(GITHUB_SECRET, body)}` })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'the body is not valid JSON', field: 'body' })
    expect((await storedEvent(`github:${delivery}:failed`))?.data).toMatchObject({ body, status: 400, headers: { 'x-github-delivery': delivery, 'x-github-event': 'ping' } })
  })

  it('a transform returning [] accepts the delivery and starts nothing', async () => {
    expect(await (await post('/webhooks/open', JSON.stringify({ events: [] }))).json()).toEqual({ ids: [], status: 200 })
  })
})

describe('routing and safety defaults', () => {
  const devEnv = { ...testEnv, INNGEST_DEV: '1' }
  const appWith = (...webhooks: Webhook[]) => new Hono().route('/', inngestRoutes({ webhooks }))

  it('answers an unknown webhook 404 JSON and another method 405 with Allow: POST', async () => {
    const unknown = await post('/webhooks/nope', '{}')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: 'not found', fix: expect.stringContaining('POST /webhooks/stripe') })
    const get = await request('/webhooks/stripe')
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  it('refuses an unsigned webhook outside dev mode (403), accepts it in dev mode or when it opts in', async () => {
    const refused = await post('/webhooks/unsigned', '{"a":1}')
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: 'webhook "unsigned" takes unsigned deliveries in dev mode only', fix: expect.stringContaining('allowUnsigned: true') })
    const inDev = await appWith(webhook({ id: 'unsigned', verify: { scheme: 'none' }, transform: (body: Record<string, unknown>) => ({ name: 'webhook-test/unsigned', data: body }) })).request('/webhooks/unsigned', { method: 'POST', body: '{"a":1}' }, devEnv)
    expect(((await inDev.json()) as Answer).status).toBe(200)
    expect(((await (await post('/webhooks/open', '{"a":1}')).json()) as Answer).status).toBe(200)
  })

  it('answers 413 past the Event API body limit, before verifying anything', async () => {
    const env = { ...testEnv, INNGEST_MAX_EVENT_BODY_BYTES: '64' }
    const response = await appWith(webhook({ id: 'small', verify: { scheme: 'github', secret: 'TEST_GITHUB_WEBHOOK_SECRET' }, transform: () => [] })).request('/webhooks/small', { method: 'POST', body: 'x'.repeat(65) }, env)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: 'the request body is larger than 64 bytes', field: 'body' })
  })

  it('answers 500 naming the env var when the secret is not set, so the sender retries', async () => {
    const response = await appWith(webhook({ id: 'unset', verify: { scheme: 'github', secret: 'NOT_SET_WEBHOOK_SECRET' }, transform: () => [] })).request('/webhooks/unset', { method: 'POST', body: '{}' }, testEnv)
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ error: 'webhook "unset" has no secret: NOT_SET_WEBHOOK_SECRET is not set', fix: expect.stringContaining('wrangler secret put NOT_SET_WEBHOOK_SECRET') })
  })

  it("tells the sender the transform's error message in dev mode", async () => {
    const hook = webhook({ id: 'dev-throws', verify: { scheme: 'none' }, transform: () => { throw new TypeError('bad payload shape') } })
    const response = await appWith(hook).request('/webhooks/dev-throws', { method: 'POST', body: '{}' }, devEnv)
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({ error: 'the transform threw TypeError: bad payload shape', field: 'transform' })
  })
})
