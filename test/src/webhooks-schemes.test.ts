/**
 * Each signing scheme on its own, without I/O: the providers' published test vectors pass,
 * tampered, stale, future and wrongly keyed deliveries do not, a rotated secret passes, and the
 * delivery id comes from where the provider puts it. The clock is passed in.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fromBase64, utf8Bytes } from '../../src/webhooks/bytes.js'
import { githubScheme } from '../../src/webhooks/schemes/github.js'
import { genericHmacScheme } from '../../src/webhooks/schemes/generic-hmac.js'
import { shopifyScheme } from '../../src/webhooks/schemes/shopify.js'
import { slackScheme } from '../../src/webhooks/schemes/slack.js'
import { parseStandardSignatures, standardWebhooksScheme } from '../../src/webhooks/schemes/standard-webhooks.js'
import { parseStripeSignature, stripeScheme } from '../../src/webhooks/schemes/stripe.js'
import type { HmacVerify } from '../../src/webhooks/webhook-types.js'

const delivery = (headers: Record<string, string>, body: string) => ({ headers: new Headers(headers), body: utf8Bytes(body) })
const key = (secret: string) => utf8Bytes(secret)
const hmacHex = (secret: string | Buffer, message: string, algorithm = 'sha256') => createHmac(algorithm, secret).update(message).digest('hex')
const hmacBase64 = (secret: string | Buffer, message: string, algorithm = 'sha256') => createHmac(algorithm, secret).update(message).digest('base64')
const seconds = (ms: number) => Math.floor(ms / 1000)

describe('Stripe', () => {
  const secret = 'whsec_test_secret'
  const verify = { scheme: 'stripe', secret: 'S' } as const
  const body = '{"id":"evt_1","object":"event","type":"charge.succeeded"}'
  const now = Date.UTC(2025, 0, 1)
  const t = seconds(now)
  const header = (signatures: string[], at = t) => `t=${at},${signatures.map((s) => `v1=${s}`).join(',')}`
  const signed = (s = secret, at = t, payload = body) => hmacHex(s, `${at}.${payload}`)

  it('accepts a delivery signed over `${t}.${body}`, and any of several v1 signatures', async () => {
    expect(await stripeScheme.verify(delivery({ 'stripe-signature': header([signed()]) }, body), [key(secret)], verify, now)).toBeUndefined()
    expect(await stripeScheme.verify(delivery({ 'stripe-signature': `${header(['00ff', signed()])},v0=abc` }, body), [key(secret)], verify, now)).toBeUndefined()
  })

  it('refuses a tampered body, a wrong secret and a missing or partial header', async () => {
    const tampered = await stripeScheme.verify(delivery({ 'stripe-signature': header([signed()]) }, body.replace('1', '2')), [key(secret)], verify, now)
    expect(tampered).toMatchObject({ error: 'the signature does not match', field: 'Stripe-Signature' })
    expect(await stripeScheme.verify(delivery({ 'stripe-signature': header([signed('whsec_other')]) }, body), [key(secret)], verify, now)).toMatchObject({ field: 'Stripe-Signature' })
    expect(await stripeScheme.verify(delivery({}, body), [key(secret)], verify, now)).toMatchObject({ error: 'the Stripe-Signature header is missing' })
    expect(await stripeScheme.verify(delivery({ 'stripe-signature': `t=${t}` }, body), [key(secret)], verify, now)).toMatchObject({ error: 'Stripe-Signature has no v1= part' })
  })

  it('refuses a genuine delivery replayed after 5 minutes, or dated ahead, and honours toleranceSeconds', async () => {
    const old = t - 301
    const replayed = await stripeScheme.verify(delivery({ 'stripe-signature': header([signed(secret, old)], old) }, body), [key(secret)], verify, now)
    expect(replayed?.error).toMatch(/301 s old; at most 300 s/)
    const ahead = t + 400
    expect((await stripeScheme.verify(delivery({ 'stripe-signature': header([signed(secret, ahead)], ahead) }, body), [key(secret)], verify, now))?.error).toMatch(/in the future/)
    expect(await stripeScheme.verify(delivery({ 'stripe-signature': header([signed(secret, old)], old) }, body), [key(secret)], { ...verify, toleranceSeconds: 600 }, now)).toBeUndefined()
  })

  it('accepts a signature under the second secret while one rotates', async () => {
    expect(await stripeScheme.verify(delivery({ 'stripe-signature': header([signed('whsec_next')]) }, body), [key(secret), key('whsec_next')], verify, now)).toBeUndefined()
  })

  it('parses the header and takes the event id from the body', () => {
    expect(parseStripeSignature('t=1, v1=aa ,v1=bb,v0=cc,junk')).toEqual({ timestamp: '1', signatures: ['aa', 'bb'] })
    expect(stripeScheme.deliveryId(new Headers(), JSON.parse(body), verify)).toBe('evt_1')
    expect(stripeScheme.deliveryId(new Headers(), { id: 7 }, verify)).toBeUndefined()
  })
})

describe('GitHub', () => {
  // GitHub's docs: "Validating webhook deliveries", test values.
  const secret = "It's a Secret to Everybody"
  const verify = { scheme: 'github', secret: 'S' } as const
  const vector = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'

  it("accepts the docs' test vector, in either hex case", async () => {
    expect(await githubScheme.verify(delivery({ 'x-hub-signature-256': vector }, 'Hello, World!'), [key(secret)], verify, 0)).toBeUndefined()
    const upper = `sha256=${vector.slice(7).toUpperCase()}`
    expect(await githubScheme.verify(delivery({ 'x-hub-signature-256': upper }, 'Hello, World!'), [key(secret)], verify, 0)).toBeUndefined()
  })

  it('refuses a tampered body, a wrong secret, another prefix, non-hex', async () => {
    for (const [headers, body, keys] of [
      [{ 'x-hub-signature-256': vector }, 'Hello, World?', [key(secret)]],
      [{ 'x-hub-signature-256': vector }, 'Hello, World!', [key('wrong')]],
      [{ 'x-hub-signature-256': `sha1=${vector.slice(7)}` }, 'Hello, World!', [key(secret)]],
      [{ 'x-hub-signature-256': 'sha256=zz' }, 'Hello, World!', [key(secret)]],
      [{ 'x-hub-signature': 'sha1=abc' }, 'Hello, World!', [key(secret)]],
    ] as const) {
      expect(await githubScheme.verify(delivery(headers, body), keys, verify, 0), JSON.stringify(headers)).toMatchObject({ field: 'X-Hub-Signature-256' })
    }
  })

  it('takes the delivery id from X-GitHub-Delivery', () => {
    expect(githubScheme.deliveryId(new Headers({ 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' }), {}, verify)).toBe('72d3162e-cc78-11e3-81ab-4c9367dc0958')
  })
})

describe('Slack', () => {
  // Slack's docs: "Verifying requests from Slack", the worked example (a slash command).
  const secret = '8f742231b10e8888abcd99yyyzzz85a5'
  const verify = { scheme: 'slack', secret: 'S' } as const
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c'
  const headers = { 'x-slack-request-timestamp': '1531420618', 'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503' }
  const then = 1531420618 * 1000

  it("accepts the docs' example within 5 minutes of its timestamp", async () => {
    expect(await slackScheme.verify(delivery(headers, body), [key(secret)], verify, then + 299_000)).toBeUndefined()
  })

  it('refuses it replayed later, tampered, or under another secret', async () => {
    expect((await slackScheme.verify(delivery(headers, body), [key(secret)], verify, then + 301_000))?.field).toBe('X-Slack-Request-Timestamp')
    expect(await slackScheme.verify(delivery(headers, body.replace('roadrunner', 'coyote')), [key(secret)], verify, then)).toMatchObject({ field: 'X-Slack-Signature' })
    expect(await slackScheme.verify(delivery(headers, body), [key('other')], verify, then)).toMatchObject({ field: 'X-Slack-Signature' })
    // The timestamp is signed: moving it forward to pass the window breaks the signature.
    expect(await slackScheme.verify(delivery({ ...headers, 'x-slack-request-timestamp': String(seconds(then) + 1) }, body), [key(secret)], verify, then)).toMatchObject({ error: 'the signature does not match' })
    expect(await slackScheme.verify(delivery({ 'x-slack-signature': headers['x-slack-signature'] }, body), [key(secret)], verify, then)).toMatchObject({ error: 'the X-Slack-Request-Timestamp header is missing' })
  })

  it('takes event_id from an Events API body, nothing from a slash command', () => {
    expect(slackScheme.deliveryId(new Headers(), { type: 'event_callback', event_id: 'Ev0PV52K21' }, verify)).toBe('Ev0PV52K21')
    expect(slackScheme.deliveryId(new Headers(), { command: ['/x'] }, verify)).toBeUndefined()
  })
})

describe('Standard Webhooks (Svix)', () => {
  // The Standard Webhooks spec's test vector.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const verify = { scheme: 'standard', secret: 'S' } as const
  const body = '{"test": 2432232314}'
  const headers = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }
  const then = 1614265330 * 1000
  const keyOf = (s: string) => standardWebhooksScheme.keyOf(s)!

  it("accepts the spec's vector, under webhook-* or svix-* headers, among other signatures", async () => {
    expect(await standardWebhooksScheme.verify(delivery(headers, body), [keyOf(secret)], verify, then)).toBeUndefined()
    const svix = { 'svix-id': headers['webhook-id'], 'svix-timestamp': headers['webhook-timestamp'], 'svix-signature': headers['webhook-signature'] }
    expect(await standardWebhooksScheme.verify(delivery(svix, body), [keyOf(secret)], verify, then)).toBeUndefined()
    const several = { ...headers, 'webhook-signature': `v1a,abc v1,Ym9ndXM= ${headers['webhook-signature']}` }
    expect(await standardWebhooksScheme.verify(delivery(several, body), [keyOf(secret)], verify, then)).toBeUndefined()
  })

  it('refuses it tampered, replayed, with another message id, or under another secret', async () => {
    expect(await standardWebhooksScheme.verify(delivery(headers, '{"test": 2432232315}'), [keyOf(secret)], verify, then)).toMatchObject({ field: 'webhook-signature' })
    expect((await standardWebhooksScheme.verify(delivery(headers, body), [keyOf(secret)], verify, then + 301_000))?.field).toBe('webhook-timestamp')
    expect(await standardWebhooksScheme.verify(delivery({ ...headers, 'webhook-id': 'msg_other' }, body), [keyOf(secret)], verify, then)).toMatchObject({ field: 'webhook-signature' })
    expect(await standardWebhooksScheme.verify(delivery(headers, body), [keyOf('whsec_' + btoa('another key'))], verify, then)).toMatchObject({ field: 'webhook-signature' })
    expect(await standardWebhooksScheme.verify(delivery({ 'webhook-signature': headers['webhook-signature'] }, body), [keyOf(secret)], verify, then)).toMatchObject({ error: 'the webhook-id header is missing' })
  })

  it('decodes whsec_<base64> secrets, with or without the prefix, and refuses others', () => {
    expect(keyOf(secret)).toEqual(fromBase64('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'))
    expect(keyOf('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toEqual(keyOf(secret))
    expect(standardWebhooksScheme.keyOf('whsec_not base64!')).toBeUndefined()
  })

  it('parses the signature list and takes the message id as delivery id', () => {
    expect(parseStandardSignatures('v1,abc v1a,def v2,ghi v1,jkl')).toEqual(['abc', 'jkl'])
    expect(standardWebhooksScheme.deliveryId(new Headers({ 'svix-id': 'msg_1', 'svix-signature': 'v1,x' }), {}, verify)).toBe('msg_1')
  })
})

describe('Shopify', () => {
  const secret = 'shopify-secret'
  const verify = { scheme: 'shopify', secret: 'S' } as const
  const body = '{"id":820982911946154508,"email":"jon@example.com"}'

  it('accepts the base64 HMAC of the body and refuses a tampered one', async () => {
    expect(await shopifyScheme.verify(delivery({ 'x-shopify-hmac-sha256': hmacBase64(secret, body) }, body), [key(secret)], verify, 0)).toBeUndefined()
    expect(await shopifyScheme.verify(delivery({ 'x-shopify-hmac-sha256': hmacBase64(secret, body) }, `${body} `), [key(secret)], verify, 0)).toMatchObject({ field: 'X-Shopify-Hmac-Sha256' })
    expect(await shopifyScheme.verify(delivery({ 'x-shopify-hmac-sha256': hmacHex(secret, body) }, body), [key(secret)], verify, 0)).toMatchObject({ field: 'X-Shopify-Hmac-Sha256' })
  })

  it('takes the delivery id from X-Shopify-Webhook-Id', () => {
    expect(shopifyScheme.deliveryId(new Headers({ 'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' }), {}, verify)).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043')
  })
})

describe('generic HMAC', () => {
  const secret = 'shared'
  const body = 'payload'
  const base: HmacVerify = { scheme: 'hmac', secret: 'S', header: 'X-Sig' }

  it.each([
    ['SHA-256', 'hex', '', 'sha256'],
    ['SHA-1', 'hex', 'sha1=', 'sha1'],
    ['SHA-512', 'base64', 'sha512=', 'sha512'],
  ] as const)('verifies %s in %s with prefix "%s"', async (algorithm, encoding, prefix, nodeName) => {
    const verify: HmacVerify = { ...base, algorithm, encoding, prefix }
    const signature = encoding === 'hex' ? hmacHex(secret, body, nodeName) : hmacBase64(secret, body, nodeName)
    expect(await genericHmacScheme.verify(delivery({ 'x-sig': prefix + signature }, body), [key(secret)], verify, 0)).toBeUndefined()
    expect(await genericHmacScheme.verify(delivery({ 'x-sig': prefix + signature }, 'payloaD'), [key(secret)], verify, 0)).toMatchObject({ field: 'X-Sig' })
  })

  it('refuses a signature under another algorithm, a missing prefix or header', async () => {
    expect(await genericHmacScheme.verify(delivery({ 'x-sig': hmacHex(secret, body, 'sha1') }, body), [key(secret)], base, 0)).toMatchObject({ error: 'the signature does not match' })
    expect(await genericHmacScheme.verify(delivery({ 'x-sig': hmacHex(secret, body) }, body), [key(secret)], { ...base, prefix: 'sha256=' }, 0)).toMatchObject({ error: 'X-Sig does not start with "sha256="' })
    expect(await genericHmacScheme.verify(delivery({}, body), [key(secret)], base, 0)).toMatchObject({ error: 'the X-Sig header is missing' })
  })

  it('takes the delivery id from the declared header only', () => {
    expect(genericHmacScheme.deliveryId(new Headers({ 'x-id': 'd-1' }), {}, { ...base, deliveryIdHeader: 'X-Id' })).toBe('d-1')
    expect(genericHmacScheme.deliveryId(new Headers({ 'x-id': 'd-1' }), {}, base)).toBeUndefined()
  })
})
