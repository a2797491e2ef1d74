/**
 * The official `inngest` SDK (v4), unchanged, sending to our Event API: pointed at the worker
 * with `baseUrl` and an event key, as an app outside Cloudflare would be.
 */
import { exports } from 'cloudflare:workers'
import { Inngest } from 'inngest'
import { describe, expect, it } from 'vitest'
import { deriveRunId } from '../../actors/internal.js'
import { uniqueLabel } from '../fixtures/probes.js'
import { AUTH, request, runIdFor, waitForRun } from '../fixtures/runs.js'

const worker = (exports as unknown as { default: Fetcher }).default

/** An official client whose HTTP goes to the test worker, optionally through `intercept`. */
function officialClient(eventKey = 'test-event-key', intercept?: (forward: () => Promise<Response>) => Promise<Response>) {
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const forward = () => worker.fetch(input instanceof Request ? input : String(input), init)
    return intercept ? intercept(forward) : forward()
  }
  return new Inngest({ id: uniqueLabel('official'), eventKey, baseUrl: 'http://inngest.test', isDev: false, fetch: fetch as typeof globalThis.fetch })
}

const storedIds = async (name: string) => {
  const { data } = (await (await request(`/v1/events?name=${encodeURIComponent(name)}`, { headers: AUTH })).json()) as { data: Array<{ id: string }> }
  return data.map((event) => event.id)
}

describe('the official inngest SDK', () => {
  it('sends an event and gets its id back; the run it triggers completes', async () => {
    const { ids } = await officialClient().send({ name: 'test/hello', data: { name: 'Official' } })
    expect(ids).toHaveLength(1)
    const run = await waitForRun(await runIdFor(ids[0]!, 'shop-hello-world'), (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, Official!')
  })

  it('sends a batch: ids in input order, one run each', async () => {
    const { ids } = await officialClient().send([
      { name: 'test/hello', data: { name: 'one' } },
      { name: 'test/hello', data: { name: 'two' } },
    ])
    const outputs = await Promise.all(ids.map(async (id) => (await waitForRun(await runIdFor(id, 'shop-hello-world'), (r) => r.status === 'Completed')).output))
    expect(outputs).toEqual(['Hello, one!', 'Hello, two!'])
  })

  it('keeps an id it is given; sending it again within 24 hours stores and runs nothing new', async () => {
    const id = uniqueLabel('official-order')
    const ts = Date.now()
    const client = officialClient()
    expect(await client.send({ name: 'test/hello', data: { name: 'once' }, id, ts })).toEqual({ ids: [id] })
    expect(await client.send({ name: 'test/hello', data: { name: 'twice' }, id, ts })).toEqual({ ids: [id] })
    const run = await waitForRun(await deriveRunId(id, 'shop-hello-world', ts), (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, once!')
  })

  it('stores an event once when the SDK retries a request whose answer was lost', async () => {
    const name = uniqueLabel('app/retried')
    let attempts = 0
    // The first request is stored and delivered, but its answer never reaches the SDK.
    const client = officialClient('test-event-key', async (forward) => {
      const response = await forward()
      return ++attempts === 1 ? new Response('gateway timeout', { status: 504 }) : response
    })
    const { ids } = await client.send([{ name }, { name }])
    expect(attempts).toBe(2)
    expect((await storedIds(name)).sort()).toEqual([...ids].sort())
  })

  it('surfaces our errors: a bad payload names the field, a wrong key is refused', async () => {
    await expect(officialClient().send({ name: 'test/hello', data: 'not an object' as never })).rejects.toThrow(/400 event\[0\]\.data: data must be a JSON object/)
    await expect(officialClient('wrong-key').send({ name: 'test/hello', data: { name: 'x' } })).rejects.toThrow(/401 Event key not found/)
  })
})
