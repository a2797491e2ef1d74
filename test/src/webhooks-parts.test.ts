/**
 * The small pure parts of webhooks: byte codecs, the constant-time compare, the replay window,
 * event ids from delivery ids, body parsing, the transform's headers, secrets from the env and
 * the failure record.
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8Bytes } from '../../src/webhooks/bytes.js'
import { sameBytes } from '../../actors/engine/constant-time.js'
import { deliveryEventId, failureEventId, withDeliveryIds } from '../../src/webhooks/delivery-id.js'
import { anySignatureMatches, hmac } from '../../src/webhooks/hmac.js'
import { parseWebhookBody } from '../../src/webhooks/parse-webhook-body.js'
import { replayProblem } from '../../src/webhooks/replay-window.js'
import { canonicalHeaderName, transformHeaders } from '../../src/webhooks/transform-headers.js'
import { recordedHeaders, webhookFailedEvent } from '../../src/webhooks/webhook-failure.js'
import { resolveSecrets } from '../../src/webhooks/webhook-secrets.js'

describe('bytes and comparison', () => {
  it('round-trips hex and base64, and refuses what is neither', () => {
    const bytes = Uint8Array.from([0, 1, 127, 128, 255])
    expect(fromHex(toHex(bytes))).toEqual(bytes)
    expect(fromHex('00017F80FF')).toEqual(bytes)
    expect(fromBase64(toBase64(bytes))).toEqual(bytes)
    expect(fromBase64('AAF/gP8')).toEqual(bytes) // padding optional
    for (const bad of ['0', 'zz', '0x00']) expect(fromHex(bad), bad).toBeUndefined()
    for (const bad of ['a', '!!!!', 'AA-_']) expect(fromBase64(bad), bad).toBeUndefined()
    expect(concatBytes(utf8Bytes('a.'), utf8Bytes('b'))).toEqual(utf8Bytes('a.b'))
  })

  it('compares bytes in full: equal only when every byte and the length match', () => {
    expect(sameBytes(utf8Bytes('abc'), utf8Bytes('abc'))).toBe(true)
    expect(sameBytes(utf8Bytes('abd'), utf8Bytes('abc'))).toBe(false)
    expect(sameBytes(utf8Bytes('ab'), utf8Bytes('abc'))).toBe(false)
    expect(sameBytes(utf8Bytes('abcd'), utf8Bytes('abc'))).toBe(false)
    expect(sameBytes(new Uint8Array(), new Uint8Array())).toBe(true)
  })

  it('matches any signature under any key, and none under others', async () => {
    const message = utf8Bytes('m')
    const signature = await hmac('SHA-256', utf8Bytes('k2'), message)
    expect(await anySignatureMatches('SHA-256', [utf8Bytes('k1'), utf8Bytes('k2')], message, [new Uint8Array(32), signature])).toBe(true)
    expect(await anySignatureMatches('SHA-256', [utf8Bytes('k1')], message, [signature])).toBe(false)
    expect(await anySignatureMatches('SHA-256', [], message, [signature])).toBe(false)
  })
})

describe('the replay window', () => {
  const now = 1_700_000_000_000
  it('accepts up to the tolerance either way and refuses past it, or what is not Unix seconds', () => {
    expect(replayProblem('1700000000', now)).toBeUndefined()
    expect(replayProblem('1699999700', now)).toBeUndefined()
    expect(replayProblem('1699999699', now)).toMatch(/301 s old/)
    expect(replayProblem('1700000301', now)).toMatch(/301 s in the future/)
    expect(replayProblem('1699999000', now, 1_000)).toBeUndefined()
    for (const bad of ['', '17e8', '-1', '1700000000000000000', '1.5']) expect(replayProblem(bad, now), bad).toMatch(/not Unix seconds/)
  })
})

describe('event ids from delivery ids', () => {
  it('scopes the delivery id by webhook, and hashes one that is long or not plain ASCII', async () => {
    expect(await deliveryEventId('stripe', 'evt_1')).toBe('stripe:evt_1')
    expect(await deliveryEventId('stripe', undefined)).toBeUndefined()
    expect(await deliveryEventId('stripe', '')).toBeUndefined()
    const long = await deliveryEventId('x', 'a'.repeat(201))
    expect(long).toMatch(/^x:sha256-[0-9a-f]{64}$/)
    expect(await deliveryEventId('x', 'a'.repeat(201))).toBe(long)
    expect(await deliveryEventId('x', 'id with spaces')).toMatch(/^x:sha256-/)
  })

  it('gives one event the id, an array `${id}-${index}`, and keeps ids the transform set', () => {
    expect(withDeliveryIds({ name: 'a' }, 'w:d')).toEqual({ name: 'a', id: 'w:d' })
    expect(withDeliveryIds([{ name: 'a' }, { name: 'b', id: 'mine' }, { name: 'c', id: '' }], 'w:d')).toEqual([
      { name: 'a', id: 'w:d-0' },
      { name: 'b', id: 'mine' },
      { name: 'c', id: 'w:d-2' },
    ])
    expect(withDeliveryIds({ name: 'a' }, undefined)).toEqual({ name: 'a' })
    expect(withDeliveryIds([null, 'x'], 'w:d')).toEqual([null, 'x'])
    expect(failureEventId('w:d')).toBe('w:d:failed')
  })
})

describe('parsing a verified body', () => {
  it('parses JSON, and a form into arrays of strings as Inngest does', () => {
    expect(parseWebhookBody('{"a":1}', 'application/json')).toEqual({ ok: true, body: { a: 1 } })
    expect(parseWebhookBody('{"a":1}', undefined)).toEqual({ ok: true, body: { a: 1 } })
    expect(parseWebhookBody('name=Alice&messages=hello&messages=world&text=', 'application/x-www-form-urlencoded; charset=utf-8')).toEqual({
      ok: true,
      body: { name: ['Alice'], messages: ['hello', 'world'], text: [''] },
    })
  })

  it('refuses a body that is not JSON, naming the fix', () => {
    expect(parseWebhookBody('name=Alice', 'text/plain')).toMatchObject({ ok: false, error: 'the body is not valid JSON' })
    expect(parseWebhookBody('', 'application/json')).toMatchObject({ ok: false })
  })
})

describe("the transform's headers", () => {
  it('uses canonical names, as Inngest, and reads any case', () => {
    expect(canonicalHeaderName('x-github-event')).toBe('X-Github-Event')
    expect(canonicalHeaderName('CONTENT-TYPE')).toBe('Content-Type')
    const headers = transformHeaders(new Headers({ 'x-github-event': 'push', 'content-type': 'application/json' }))
    expect(Object.keys(headers).sort()).toEqual(['Content-Type', 'X-Github-Event'])
    expect([headers['X-Github-Event'], headers['x-github-event'], headers['X-GitHub-Event']]).toEqual(['push', 'push', 'push'])
    expect('x-github-event' in headers).toBe(true)
    expect(headers['x-missing']).toBeUndefined()
    expect(JSON.parse(JSON.stringify(headers))).toEqual({ 'Content-Type': 'application/json', 'X-Github-Event': 'push' })
  })
})

describe('secrets from the env', () => {
  const env = { A: 'one', B: 'two,with comma', EMPTY: '', STORE: { get: async () => 'from store' } }
  it('reads named vars (a Secrets Store binding too), skips unset ones, never splits a value', async () => {
    expect(await resolveSecrets('A', env)).toEqual({ secrets: ['one'], source: 'A' })
    expect(await resolveSecrets(['A', 'B', 'UNSET', 'EMPTY'], env)).toEqual({ secrets: ['one', 'two,with comma'], source: 'A or B or UNSET or EMPTY' })
    expect((await resolveSecrets('STORE', env)).secrets).toEqual(['from store'])
    expect((await resolveSecrets('UNSET', env)).secrets).toEqual([])
  })

  it('takes what a function of env returns, sync or async', async () => {
    expect((await resolveSecrets((e) => [e.A as string, 'literal'], env)).secrets).toEqual(['one', 'literal'])
    expect((await resolveSecrets(async () => 'x', env)).secrets).toEqual(['x'])
    expect((await resolveSecrets(() => undefined, env)).secrets).toEqual([])
  })
})

describe('the failure record', () => {
  it('keeps content-type, user-agent and the scheme headers, never the signature', () => {
    const headers = new Headers({ 'content-type': 'application/json', 'stripe-signature': 't=1,v1=x', 'x-github-delivery': 'd', authorization: 'secret', cookie: 'c' })
    expect(recordedHeaders(headers, ['X-GitHub-Delivery', 'X-GitHub-Event'])).toEqual({ 'content-type': 'application/json', 'x-github-delivery': 'd' })
  })

  it('is an inngest/webhook.failed event with the given id and time', () => {
    const event = webhookFailedEvent({ webhook: 'w', status: 422, error: 'e', field: 'transform', body: '{}', headers: {}, query: {} }, 'w:d:failed', 5)
    expect(event).toEqual({ name: 'inngest/webhook.failed', id: 'w:d:failed', ts: 5, data: { webhook: 'w', status: 422, error: 'e', field: 'transform', body: '{}', headers: {}, query: {} }, user: {} })
  })
})
