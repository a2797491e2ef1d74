import { runInDurableObject } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { decodeTime } from 'ulid'
import { deriveRunId, shardOf } from '../../actors/internal.js'
import { inngestRoutes } from '../../src/hono.js'
import { Inngest } from '../../src/index.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, testEnv, waitForRun } from '../fixtures/runs.js'

type EventResource = { internal_id: string; id: string; name: string; data: Record<string, unknown>; user: object; ts: number; v: string | null; received_at: string }

const post = (body: string, key = 'test-event-key', headers: Record<string, string> = {}) =>
  request(`/e/${key}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })

async function listEvents(query: string): Promise<{ data: EventResource[]; metadata: { next_cursor: string | null } }> {
  const response = await request(`/v1/events?${query}`, { headers: AUTH })
  expect(response.status).toBe(200)
  return response.json()
}

const storedNames = async (name: string) => (await listEvents(`name=${encodeURIComponent(name)}`)).data.map((e) => e.id)

describe('Event API: POST /e/:eventKey', () => {
  it('stores one event or an array and answers { ids, status: 200 } in input order', async () => {
    const name = uniqueLabel('app/created')
    const response = await post(JSON.stringify([{ name, data: { n: 1 }, id: uniqueLabel('given') }, { name }]))
    const body = (await response.json()) as { ids: string[]; status: number }
    expect(response.status).toBe(200)
    expect(body.status).toBe(200)
    expect(body.ids[0]).toMatch(/^given-/)
    expect(body.ids[1]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect((await storedNames(name)).sort()).toEqual([...body.ids].sort())
  })

  it('deduplicates an id sent again within 24 hours: same id back, first event kept, one run', async () => {
    const id = uniqueLabel('order')
    const ts = Date.now()
    const first = await post(JSON.stringify({ name: 'test/hello', data: { name: 'first' }, id, ts }))
    const second = await post(JSON.stringify({ name: 'test/hello', data: { name: 'second' }, id, ts }))
    expect(await first.json()).toEqual({ ids: [id], status: 200 })
    expect(await second.json()).toEqual({ ids: [id], status: 200 })
    // A run id derives from (event id, function id, ts).
    const run = await waitForRun(await deriveRunId(id, 'shop-hello-world', ts), (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, first!')
    const { data } = (await (await request(`/v1/events/${id}`, { headers: AUTH })).json()) as { data: EventResource }
    expect(data.data).toEqual({ name: 'first' })
  })

  it('starts new runs for an id sent again after the 24-hour dedupe window, as Inngest does', async () => {
    const id = uniqueLabel('order')
    const firstTs = Date.now()
    await post(JSON.stringify({ name: 'test/hello', data: { name: 'first' }, id, ts: firstTs }))
    const firstRun = await deriveRunId(id, 'shop-hello-world', firstTs)
    await waitForRun(firstRun, (r) => r.status === 'Completed')

    // A day passes for the index: its row of this id is older than the dedupe window.
    const shard = testEnv.INNGEST_EVENT_INDEX.get(testEnv.INNGEST_EVENT_INDEX.idFromName(`events:${shardOf(id)}`))
    await runInDurableObject(shard, (_actor, state) => {
      state.storage.sql.exec('UPDATE inngest_events SET received_at = received_at - ? WHERE id = ?', 25 * 60 * 60 * 1000, id)
    })
    const laterTs = firstTs + 1
    expect(await (await post(JSON.stringify({ name: 'test/hello', data: { name: 'again' }, id, ts: laterTs }))).json()).toEqual({ ids: [id], status: 200 })
    const laterRun = await deriveRunId(id, 'shop-hello-world', laterTs)
    expect(laterRun).not.toBe(firstRun)
    expect((await waitForRun(laterRun, (r) => r.status === 'Completed')).output).toBe('Hello, again!')
    expect((await waitForRun(firstRun, (r) => r.status === 'Completed')).output).toBe('Hello, first!')
  })

  it('derives ids from the official SDK seed header, so a retried request gets the same ids', async () => {
    const name = uniqueLabel('app/seeded')
    const seed = { 'x-inngest-event-id-seed': `1743130137367,${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(10))))}` }
    const body = JSON.stringify([{ name }, { name }])
    const first = (await (await post(body, undefined, seed)).json()) as { ids: string[] }
    const retry = (await (await post(body, undefined, seed)).json()) as { ids: string[] }
    expect(retry.ids).toEqual(first.ids)
    expect(new Set(first.ids).size).toBe(2)
    expect(first.ids.map((id) => decodeTime(id))).toEqual([1743130137367, 1743130137367])
    expect(await storedNames(name)).toHaveLength(2)
  })

  describe('rejects a bad request whole, stores nothing and says why', () => {
    const cases: Array<[string, (name: string) => Promise<Response>, number, Record<string, unknown>]> = [
      ['a missing name', (name) => post(JSON.stringify([{ name }, { data: {} }])), 400, { index: 1, field: 'name', ids: [], status: 400 }],
      ['a name that is not a string', (name) => post(JSON.stringify([{ name }, { name: 42 }])), 400, { index: 1, field: 'name' }],
      ['a name over 256 bytes', (name) => post(JSON.stringify([{ name }, { name: 'é'.repeat(129) }])), 400, { index: 1, field: 'name', error: 'event[1].name: name is longer than 256 bytes' }],
      ['data that is not an object', (name) => post(JSON.stringify([{ name, data: 'text' }])), 400, { index: 0, field: 'data', fix: expect.stringContaining('wrap the value') }],
      ['invalid JSON', (name) => post(`[{"name":"${name}"},`), 400, { field: 'body', error: 'body is not valid JSON' }],
      ['a body over the largest event plus 512 KiB', (name) => post(JSON.stringify([{ name }, ...Array.from({ length: 4 }, () => ({ name, data: { blob: 'x'.repeat(1_000_000) } }))])), 413, { field: 'body', error: 'the request body is larger than 3670016 bytes', status: 413 }],
      ['an event over 3 MiB', (name) => post(JSON.stringify([{ name }, { name, data: { blob: 'x'.repeat(3 * 1024 * 1024) } }])), 400, { index: 1, field: 'data', error: expect.stringContaining('one event can be at most 3145728') }],
      ['more than 5,000 events', (name) => post(JSON.stringify(Array.from({ length: 5001 }, () => ({ name })))), 413, { field: 'body', error: 'too many events: 5001 in one request, at most 5000' }],
      ['an unknown event key', (name) => post(JSON.stringify({ name }), 'wrong-key'), 401, { error: 'Event key not found', status: 401 }],
      ['a wrong method', () => request('/e/test-event-key'), 405, { error: 'GET is not allowed on /e/:eventKey', status: 405 }],
    ]
    it.each(cases)('%s', async (_, send, status, error) => {
      const name = uniqueLabel('app/rejected')
      const response = await send(name)
      expect(response.status).toBe(status)
      expect(response.headers.get('content-type')).toMatch(/application\/json/)
      expect(await response.json()).toMatchObject({ ids: [], ...error })
      expect(await storedNames(name)).toEqual([])
    })

    it('answers 405 with Allow: POST', async () => {
      expect((await request('/e/test-event-key', { method: 'PUT', body: '{}' })).headers.get('allow')).toBe('POST')
    })
  })

  it('accepts any key in dev mode (INNGEST_DEV=1)', async () => {
    const name = uniqueLabel('app/dev')
    const response = await inngestRoutes().request('/e/anything', { method: 'POST', body: JSON.stringify({ name }) }, { ...testEnv, INNGEST_DEV: '1' })
    expect(await response.json()).toMatchObject({ status: 200 })
    expect(await storedNames(name)).toHaveLength(1)
  })

  it('takes its body limit from INNGEST_MAX_EVENT_BODY_BYTES', async () => {
    const env = { ...testEnv, INNGEST_MAX_EVENT_BODY_BYTES: '200' }
    const send = (size: number) => inngestRoutes().request('/e/test-event-key', { method: 'POST', body: JSON.stringify({ name: 'app/limit', data: { pad: 'x'.repeat(size) } }) }, env)
    expect((await send(100)).status).toBe(200)
    const tooBig = await send(300)
    expect(tooBig.status).toBe(413)
    expect(await tooBig.json()).toMatchObject({ error: 'the request body is larger than 200 bytes' })
  })
})

describe('our client outside a worker', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('posts to baseUrl + /e/<eventKey> and resolves the ids the server accepted', async () => {
    const worker = (exports as unknown as { default: Fetcher }).default
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => worker.fetch(String(input), init))
    const client = new Inngest({ id: uniqueLabel('remote'), baseUrl: 'http://inngest.test', eventKey: 'test-event-key' })
    const name = uniqueLabel('app/remote')
    const { ids } = await client.send([{ name, data: { n: 1 } }, { name, data: { n: 2 } }])
    expect((await storedNames(name)).sort()).toEqual([...ids].sort())
    await expect(new Inngest({ id: uniqueLabel('remote'), baseUrl: 'http://inngest.test', eventKey: 'wrong' }).send({ name })).rejects.toThrow(/answered 401/)
  })
})

describe('REST: /v1/events', () => {
  it('lists events newest first, filtered by name, in pages by cursor', async () => {
    const name = uniqueLabel('app/listed')
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push(...((await (await post(JSON.stringify({ name, data: { i } }))).json()) as { ids: string[] }).ids)
    const first = await listEvents(`name=${name}&limit=2`)
    const second = await listEvents(`name=${name}&limit=2&cursor=${first.metadata.next_cursor}`)
    const third = await listEvents(`name=${name}&limit=2&cursor=${second.metadata.next_cursor}`)
    expect([first, second, third].flatMap((page) => page.data.map((e) => e.id))).toEqual([...ids].reverse())
    expect(third.metadata.next_cursor).toBeNull()
    expect(first.data[0]!.data).toEqual({ i: 4 })
  })

  it('lists 20 by default, at most 100, and names a bad limit or cursor', async () => {
    expect((await listEvents('')).data.length).toBeLessThanOrEqual(20)
    for (const query of ['limit=0', 'limit=101', 'limit=ten']) {
      const response = await request(`/v1/events?${query}`, { headers: AUTH })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ field: 'limit' })
    }
    const response = await request('/v1/events?cursor=no-such-event', { headers: AUTH })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ field: 'cursor' })
  })

  it("answers GET /v1/events/:id in Inngest's shape, and 404 for an unknown id", async () => {
    const id = uniqueLabel('shape')
    await post(JSON.stringify({ name: 'app/shape', data: { a: 1 }, id, ts: 1_700_000_000_000, v: '2024-01-01.1' }))
    const response = await request(`/v1/events/${id}`, { headers: AUTH })
    const body = (await response.json()) as { data: EventResource; metadata: object }
    expect(body.data).toEqual({ internal_id: id, id, name: 'app/shape', data: { a: 1 }, user: {}, ts: 1_700_000_000_000, v: '2024-01-01.1', received_at: expect.any(String) })
    expect(Date.parse(body.data.received_at)).toBeGreaterThan(1_700_000_000_000)
    expect(body.metadata).toMatchObject({ fetched_at: expect.any(String) })
    expect((await request('/v1/events/never-sent', { headers: AUTH })).status).toBe(404)
  })

  it('requires the signing key outside dev mode', async () => {
    expect((await request('/v1/events')).status).toBe(401)
    expect((await request('/v1/events/any')).status).toBe(401)
    expect((await request('/v1/events/any/runs', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
  })

  it('lists the runs of an event by its stored name, whatever its id', async () => {
    const id = uniqueLabel('custom-id')
    const ts = Date.now()
    await post(JSON.stringify({ name: 'test/hello', data: { name: 'runs' }, id, ts }))
    await waitForRun(await deriveRunId(id, 'shop-hello-world', ts), (r) => r.status === 'Completed')
    const runs = (await (await request(`/v1/events/${id}/runs`, { headers: AUTH })).json()) as { data: Array<{ function_id: string; output: unknown }> }
    expect(runs.data.map((r) => [r.function_id, r.output])).toEqual([['shop-hello-world', 'Hello, runs!']])
    expect((await request('/v1/events/not-stored/runs', { headers: AUTH })).status).toBe(404)
  })
})
