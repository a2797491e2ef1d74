/**
 * What a hostile caller gets from the worker's routes: one JSON error shape for every 4xx and
 * 5xx, 405 with `Allow` for a known path, no internal detail outside dev mode, introspection
 * that needs the signing key, Bearer-only auth and event keys compared in full.
 */
import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { inngestRoutes, serve } from '../../src/hono.js'
import { acceptsEventKey, hashedSigningKey } from '../../src/routes/auth.js'
import { cronFires } from '../fixtures/cron-functions.js'
import { helloWorld, inngest } from '../fixtures/seed-functions.js'
import { AUTH, request, testEnv } from '../fixtures/runs.js'

const SOME_RUN = '01ARZ3NDEKTSV4RRFFQ69G5FAV'
const ERROR_KEYS = ['error', 'field', 'fix', 'request_id']
const devEnv = { ...testEnv, INNGEST_DEV: '1' }

/** Checks the one error shape and returns the body. */
async function errorBody(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await response.json()) as Record<string, unknown>
  expect(typeof body.error).toBe('string')
  for (const key of Object.keys(body)) expect(ERROR_KEYS, `unexpected key ${key}`).toContain(key)
  return body
}

describe('unknown paths and wrong methods', () => {
  it.each([
    ['POST', '/e/', 404, null],
    ['POST', '/e/dev/extra', 404, null],
    ['GET', '/v1/runs', 404, null],
    ['GET', '/v1/runs/', 404, null],
    ['PUT', `/v1/runs/${SOME_RUN}`, 405, 'GET, HEAD, DELETE'],
    ['POST', '/v1/events', 405, 'GET, HEAD'],
    ['PATCH', '/v1/events/some-id/runs', 405, 'GET, HEAD'],
    ['DELETE', '/api/inngest', 405, 'GET, HEAD, PUT'],
    ['POST', '/api/inngest', 405, 'GET, HEAD, PUT'],
    ['GET', '/v1/nothing', 404, null],
    ['GET', '/v1', 404, null],
    ['GET', '//v1/events', 404, null],
    ['GET', '/V1/events', 404, null],
    ['GET', '/v1/events/', 404, null],
    ['GET', '/API/inngest', 404, null],
  ] as const)('answers %s %s with %i JSON', async (method, path, status, allow) => {
    const body = await errorBody(await request(path, { method, headers: AUTH }).then(async (r) => {
      expect(r.headers.get('allow')).toBe(allow)
      return r
    }), status)
    expect(body.fix).toEqual(expect.any(String))
    if (status === 404) expect(body.fix).toContain('GET, DELETE /v1/runs/:runId')
  })

  it('leaves paths not its own, and routes registered after it, to the app', async () => {
    const app = new Hono<{ Bindings: typeof testEnv }>()
    app.route('/', inngestRoutes())
    app.get('/v1/custom', (c) => c.text('mine'))
    app.get('/elsewhere', (c) => c.text('also mine'))
    app.notFound((c) => c.text('app 404', 404))
    expect(await (await app.request('/v1/custom', {}, testEnv)).text()).toBe('mine')
    expect(await (await app.request('/elsewhere', {}, testEnv)).text()).toBe('also mine')
    for (const path of ['/nothing', '/api/other']) expect(await (await app.request(path, {}, testEnv)).text(), path).toBe('app 404')
    await errorBody(await app.request('/v1/nothing', {}, testEnv), 404)
  })

  it('answers 405 under the path the routes are mounted on', async () => {
    const app = new Hono().route('/inngest', inngestRoutes())
    const response = await app.request(`/inngest/v1/runs/${SOME_RUN}`, { method: 'PUT', headers: AUTH }, testEnv)
    expect(response.headers.get('allow')).toBe('GET, HEAD, DELETE')
    expect(await errorBody(response, 405)).toMatchObject({ error: 'PUT is not allowed on /v1/runs/:runId' })
  })

  it('keeps the Event API and run errors in the shape', async () => {
    expect(await errorBody(await request('/v1/runs/not-a-run', { headers: AUTH }), 400)).toMatchObject({ field: 'runId' })
    expect(await errorBody(await request(`/v1/runs/${SOME_RUN}`, { headers: AUTH }), 404)).toMatchObject({ error: `run ${SOME_RUN} not found` })
  })
})

describe('internal errors', () => {
  afterEach(() => vi.restoreAllMocks())

  // A deployment missing its INNGEST_RUNS binding: the run route fails inside, on a real TypeError.
  const brokenEnv = { ...testEnv, INNGEST_RUNS: undefined }

  it('answers 500 "internal error" with a request id outside dev mode, and logs the real error under it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const response = await inngestRoutes().request(`/v1/runs/${SOME_RUN}`, { headers: AUTH }, brokenEnv)
    const body = await errorBody(response, 500)
    expect(body).toEqual({ error: 'internal error', fix: expect.any(String), request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    const [line, error] = logged.mock.calls.at(-1)!
    expect(line).toContain(body.request_id)
    expect(error).toBeInstanceOf(TypeError)
    const text = JSON.stringify(body)
    for (const secret of [(error as Error).message, 'TypeError', 'Cannot read', '.ts', ' at ']) expect(text).not.toContain(secret)
  })

  it("shows the error's name and message in dev mode, never its stack", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const response = await inngestRoutes().request(`/v1/runs/${SOME_RUN}`, {}, { ...brokenEnv, INNGEST_DEV: 'true' })
    const body = await errorBody(response, 500)
    expect(body.error).toMatch(/^TypeError: Cannot read properties of undefined/)
    expect(JSON.stringify(body)).not.toContain(' at ')
  })
})

describe('introspection at /api/inngest', () => {
  const served = new Hono<{ Bindings: typeof testEnv }>().on(['GET', 'PUT', 'POST'], '/api/inngest', serve({ client: inngest, functions: [helloWorld, cronFires] }))
  const UNAUTHENTICATED = { extra: { native_crypto: true }, has_event_key: true, has_signing_key: true, function_count: 2, mode: 'cloud', schema_version: '2024-05-24' }

  it.each([
    ['no Authorization', {}],
    ['a wrong key', { authorization: 'Bearer signkey-test-wrong' }],
    ['the key without Bearer', { authorization: 'signkey-test-0123456789' }],
  ])("answers only Inngest's unauthenticated introspection to %s outside dev mode", async (_, headers) => {
    for (const method of ['GET', 'PUT']) {
      const response = await served.request('/api/inngest', { method, headers }, testEnv)
      const body = (await response.json()) as Record<string, unknown>
      expect(response.status).toBe(200)
      expect(body).toEqual(method === 'GET' ? UNAUTHENTICATED : { ...UNAUTHENTICATED, message: expect.any(String) })
      expect(JSON.stringify(body)).not.toMatch(/0 9 \* \* \*|test\/hello|shop/)
    }
  })

  it('answers the unauthenticated form from the worker too', async () => {
    const body = (await (await request('/api/inngest')).json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(Object.keys(UNAUTHENTICATED).sort())
  })

  it.each(['Bearer', 'bearer', 'BEARER'])('answers functions and triggers to the signing key (%s scheme)', async (scheme) => {
    const response = await served.request('/api/inngest', { headers: { authorization: `${scheme} signkey-test-0123456789` } }, testEnv)
    expect(await response.json()).toMatchObject({
      ...UNAUTHENTICATED,
      authentication_succeeded: true,
      app_id: 'shop',
      functions: [
        { id: 'shop-hello-world', triggers: [{ event: 'test/hello' }] },
        { id: 'shop-cron-fires', triggers: [{ cron: '0 9 * * *' }] },
      ],
    })
  })

  it('takes the signing key hashed as the official SDK sends it, on the REST API and introspection', async () => {
    // inngest-js hashSigningKey: prefix kept, the rest hex-decoded and hashed (Node's crypto here).
    const hashed = `signkey-test-${createHash('sha256').update('0123456789', 'hex').digest('hex')}`
    expect(await hashedSigningKey('signkey-test-0123456789')).toBe(hashed)
    const introspected = await served.request('/api/inngest', { headers: { authorization: `Bearer ${hashed}` } }, testEnv)
    expect(await introspected.json()).toMatchObject({ authentication_succeeded: true })
    expect((await request('/v1/events?limit=1', { headers: { authorization: `Bearer ${hashed}` } })).status).toBe(200)
    expect((await request('/v1/events?limit=1', { headers: { authorization: `Bearer ${hashed.slice(0, -1)}${hashed.endsWith('0') ? '1' : '0'}` } })).status).toBe(401)
  })

  it.each(['1', 'true'])('answers the full form to anyone in dev mode (INNGEST_DEV=%s), as before', async (dev) => {
    const body = await (await served.request('/api/inngest', {}, { ...testEnv, INNGEST_DEV: dev })).json()
    expect(body).toEqual({
      app_id: 'shop',
      function_count: 2,
      mode: 'dev',
      has_event_key: true,
      has_signing_key: true,
      functions: [
        { id: 'shop-hello-world', name: 'hello-world', triggers: [{ event: 'test/hello' }] },
        { id: 'shop-cron-fires', name: 'cron-fires', triggers: [{ cron: '0 9 * * *' }] },
      ],
    })
  })
})

describe('the signing key', () => {
  it.each([
    ['no scheme', 'signkey-test-0123456789', 'Authorization must use the Bearer scheme'],
    ['another scheme', 'Basic signkey-test-0123456789', 'Authorization must use the Bearer scheme'],
    ['no token', 'Bearer', 'Authorization must use the Bearer scheme'],
    ['a wrong key', 'Bearer signkey-test-012345678', 'Unauthorized'],
    ['the key plus a character', 'Bearer signkey-test-0123456789x', 'Unauthorized'],
  ])('is refused with %s, with a 401 naming the fix', async (_, authorization, error) => {
    const response = await request('/v1/events', { headers: { authorization } })
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    const body = await errorBody(response, 401)
    expect(body).toMatchObject({ error })
    expect(body.fix).toContain('Authorization: Bearer <INNGEST_SIGNING_KEY>')
  })

  it('is refused when absent', async () => {
    expect(await errorBody(await request('/v1/events'), 401)).toMatchObject({ error: 'Unauthorized' })
  })

  it.each(['bearer', 'BEARER', 'Bearer'])('is accepted with the %s scheme', async (scheme) => {
    expect((await request('/v1/events?limit=1', { headers: { authorization: `${scheme} signkey-test-0123456789` } })).status).toBe(200)
  })

  it('is not asked for in dev mode', async () => {
    expect((await inngestRoutes().request('/v1/events?limit=1', {}, devEnv)).status).toBe(200)
  })
})

describe('the event key', () => {
  it.each(['wrong-key', 'test-event-ke', 'test-event-key2', 'TEST-EVENT-KEY'])('refuses %s with 401', async (key) => {
    const response = await request(`/e/${key}`, { method: 'POST', body: JSON.stringify({ name: 'test/refused' }) })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'Event key not found', fix: expect.any(String) })
  })

  it('accepts exactly the listed keys, spaces trimmed, and any key in dev mode', () => {
    const env = { ...testEnv, INNGEST_EVENT_KEY: 'first, second' }
    expect(acceptsEventKey(env, 'first')).toBe(true)
    expect(acceptsEventKey(env, 'second')).toBe(true)
    for (const key of ['first, second', 'first,', '', ' second', 'secon']) expect(acceptsEventKey(env, key), key).toBe(false)
    expect(acceptsEventKey({ ...testEnv, INNGEST_EVENT_KEY: undefined }, '')).toBe(false)
    expect(acceptsEventKey({ ...env, INNGEST_DEV: '1' }, 'anything')).toBe(true)
  })
})
