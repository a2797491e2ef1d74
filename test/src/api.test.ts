import { describe, expect, it } from 'vitest'
import { Inngest } from '../../src/index.js'
import { inngest } from '../fixtures/seed-functions.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, stateOf, trigger, waitForRun } from '../fixtures/runs.js'

const post = (path: string, body: string) => request(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } })

describe('Event API', () => {
  it('answers { ids, status: 200 } and starts the runs', async () => {
    const response = await post('/e/test-event-key', JSON.stringify([{ name: 'test/hello', data: { name: 'A' } }, { name: 'test/hello', data: { name: 'B' } }]))
    const body = (await response.json()) as { ids: string[]; status: number }
    expect(response.status).toBe(200)
    expect(body.status).toBe(200)
    expect(body.ids).toHaveLength(2)
    const run = await waitForRun(await runIdFor(body.ids[1]!, 'shop-hello-world'), (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, B!')
  })

  it('rejects an unknown event key with 401', async () => {
    const response = await post('/e/wrong-key', JSON.stringify({ name: 'test/hello' }))
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'Event key not found' })
  })

  it('rejects invalid JSON, naming the body', async () => {
    const response = await post('/e/test-event-key', '{not json')
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ field: 'body', error: 'body is not valid JSON' })
  })

  it('rejects a whole batch when one event is invalid, naming its index and field', async () => {
    const response = await post('/e/test-event-key', JSON.stringify([{ name: 'test/hello' }, { data: {} }]))
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ index: 1, field: 'name', ids: [], status: 400 })
  })

  it('rejects data that is not an object', async () => {
    const response = await post('/e/test-event-key', JSON.stringify({ name: 'test/hello', data: [1, 2] }))
    expect(await response.json()).toMatchObject({ index: 0, field: 'data' })
  })
})

describe('REST API', () => {
  it('requires the signing key outside dev mode', async () => {
    const runId = await trigger('test/hello', { name: 'auth' }, 'shop-hello-world')
    expect((await request(`/v1/runs/${runId}`)).status).toBe(401)
    expect((await request(`/v1/runs/${runId}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    expect((await request(`/v1/runs/${runId}`, { headers: AUTH })).status).toBe(200)
  })

  it('answers 400 for a malformed run id and 404 for an unknown one', async () => {
    expect((await request('/v1/runs/not-a-run', { headers: AUTH })).status).toBe(400)
    expect((await request('/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV', { headers: AUTH })).status).toBe(404)
  })

  it('cancels a run with DELETE /v1/runs/:id', async () => {
    const runId = await trigger('order/created', { orderId: uniqueLabel('o'), userId: 'u' }, 'shop-process-order')
    await waitForRun(runId, (r) => stateOf(r) === 'sleeping')
    const response = await request(`/v1/runs/${runId}`, { method: 'DELETE', headers: AUTH })
    expect(((await response.json()) as { data: { status: string } }).data.status).toBe('Cancelled')
  })

  it('lists the runs of an event', async () => {
    const response = await post('/e/test-event-key', JSON.stringify({ name: 'test/hello', data: { name: 'runs' } }))
    const { ids } = (await response.json()) as { ids: string[] }
    await waitForRun(await runIdFor(ids[0]!, 'shop-hello-world'), (r) => r.status === 'Completed')
    const runs = (await (await request(`/v1/events/${ids[0]}/runs`, { headers: AUTH })).json()) as { data: Array<{ function_id: string }> }
    expect(runs.data.map((r) => r.function_id)).toEqual(['shop-hello-world'])
  })

  it('describes the served functions at /api/inngest to the signing key', async () => {
    const body = (await (await request('/api/inngest', { headers: AUTH })).json()) as { app_id: string; mode: string; functions: Array<{ id: string }> }
    expect(body).toMatchObject({ app_id: 'shop', mode: 'cloud' })
    expect(body.functions.map((f) => f.id)).toContain('shop-process-order')
  })
})

describe('SDK', () => {
  it('sends events from inside the worker through the queue', async () => {
    const { ids } = await inngest.send({ name: 'test/hello', data: { name: 'SDK' } })
    const run = await waitForRun(await runIdFor(ids[0]!, 'shop-hello-world'), (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, SDK!')
  })

  it('accepts the v4 form createFunction({ ...config, triggers }, handler)', () => {
    const app = new Inngest({ id: 'v4-app' })
    const fn = app.createFunction({ id: 'v4', triggers: [{ event: 'app/a' }, { cron: '0 9 * * *' }] }, async () => 'ok')
    expect(fn.compositeId).toBe('v4-app-v4')
    expect(fn.options.triggers).toEqual([{ event: 'app/a' }, { cron: '0 9 * * *' }])
  })

  it.each([
    ['a missing handler', () => new Inngest({ id: 'x1' }).createFunction({ id: 'f' }, { event: 'a/b' }, undefined as never), /handler is missing/],
    ['a duplicate id', () => { const app = new Inngest({ id: 'x2' }); app.createFunction({ id: 'f' }, { event: 'a/b' }, () => 1); app.createFunction({ id: 'f' }, { event: 'a/b' }, () => 1) }, /id is already used/],
    ['a bad duration', () => new Inngest({ id: 'x3' }).createFunction({ id: 'f', timeouts: { finish: '5x' } }, { event: 'a/b' }, () => 1), /timeouts\.finish/],
    ['retries out of range', () => new Inngest({ id: 'x4' }).createFunction({ id: 'f', retries: 25 }, { event: 'a/b' }, () => 1), /retries.*0 to 20/],
    ['an unknown trigger shape', () => new Inngest({ id: 'x5' }).createFunction({ id: 'f' }, { evnt: 'a/b' } as never, () => 1), /triggers/],
    ['a missing id', () => new Inngest({ id: 'x6' }).createFunction({} as never, { event: 'a/b' }, () => 1), /id/],
    ['a client without id', () => new Inngest({} as never), /id is required/],
  ])('throws a TypeError at createFunction for %s', (_, create, message) => {
    expect(create).toThrow(TypeError)
    expect(create).toThrow(message)
  })

  it('rejects an invalid event in send, naming the field', async () => {
    await expect(inngest.send({ name: '' } as never)).rejects.toThrow(/event\[0\]\.name/)
  })
})
