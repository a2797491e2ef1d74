/**
 * The views with real runs: a run's page shows its trigger event, steps, the state diagram with
 * the current state and the transition history; the runs, events and functions views list what
 * they should; cancel, rerun, invoke, send, replay and bulk cancel act; the live feed forwards
 * what the index records. Runs are recorded in the index here as their objects report them
 * (until runs report themselves through the `indexRun` port).
 */
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import { recordRunInIndex, type RunIndexEntry } from '../../actors/run-index/index.js'
import { entryFromInspection } from '../../src/dashboard/run-entries.js'
import { runIdFor, runStub, sendEvent, testEnv, waitForRun } from '../fixtures/runs.js'
import { request } from '../fixtures/runs.js'
import { session } from './dashboard-client.js'
import { hits, uniqueLabel } from '../fixtures/probes.js'
import './dashboard-functions.js'

const indexEnv = testEnv as unknown as Parameters<typeof recordRunInIndex>[0]

/** Sends `name`, waits for `functionId`'s run to satisfy `accept` and indexes it as its object reports it. */
async function indexedRun(name: string, data: Record<string, unknown>, functionId: string, accept: (status: string, state: string | undefined) => boolean): Promise<{ runId: string; eventId: string }> {
  const eventId = await sendEvent(name, data)
  const runId = await runIdFor(eventId, functionId)
  const run = await waitForRun(runId, (r) => accept(r.status, r.snapshot?.value))
  await recordRunInIndex(indexEnv, entryFromInspection(runId, run)!)
  return { runId, eventId }
}

describe('run view', () => {
  it('shows the trigger, steps, waterfall, the machine in its current state and the transitions', async () => {
    const { runId, eventId } = await indexedRun('test/hello', { name: 'Ada' }, 'shop-hello-world', (status) => status === 'Completed')
    const { get } = await session()
    const page = await (await get(`/dashboard/runs/${runId}`)).text()
    expect(page).toContain(eventId)
    expect(page).toContain('create-greeting')
    expect(page).toContain('Hello, Ada!')
    expect(page).toMatch(/<g class="node current" data-state="done" aria-current="true">/)
    expect(page).toMatch(/<path class="edge taken" d="[^"]+" marker-end="url\(#arrow\)" data-edge="running-done"\/>/)
    expect(page).toContain('<svg id="waterfall"')
    expect(page).toMatch(/<td>queued<\/td><td>running<\/td>/)
    expect(page).not.toContain('id="cancel-run"') // finished
    expect(page).toContain('id="rerun"')
  })

  it('shows a sleeping run in `sleeping`, its sleep as a gap, and cancels it', async () => {
    const { runId } = await indexedRun('dashboard/sleepy', {}, 'dash-sleepy', (_, state) => state === 'sleeping')
    const { get, post } = await session()
    const page = await (await get(`/dashboard/runs/${runId}`)).text()
    expect(page).toMatch(/<g class="node current" data-state="sleeping"/)
    expect(page).toMatch(/<rect class="gap"/)
    expect(page).toContain('sleep &quot;nap&quot; until')
    expect(page).toContain('id="cancel-run"')
    const cancelled = await post(`/dashboard/runs/${runId}/cancel`)
    expect(cancelled.status).toBe(303)
    expect(cancelled.headers.get('location')).toBe(`/dashboard/runs/${runId}?done=cancelled`)
    expect((await runStub(runId).inspect()).status).toBe('Cancelled')
    const list = await (await get('/dashboard?function=dash-sleepy&status=Cancelled')).text()
    expect(list).toContain(runId)
  })

  it('reruns: a new run of the same function with the same event', async () => {
    const { runId, eventId } = await indexedRun('test/hello', { name: 'Rerun' }, 'shop-hello-world', (status) => status === 'Completed')
    const { post } = await session()
    const response = await post(`/dashboard/runs/${runId}/rerun`)
    expect(response.status).toBe(303)
    const rerunId = /\/runs\/(\w{26})\?done=rerun$/.exec(response.headers.get('location')!)![1]!
    expect(rerunId).not.toBe(runId)
    const rerun = await waitForRun(rerunId, (r) => r.status === 'Completed')
    expect(rerun.output).toBe('Hello, Rerun!')
    expect(rerun.events[0]!.id).toBe(eventId)
  })

  it('reruns from a chosen step: the completed steps before it are reused, it and the rest run again', async () => {
    const label = uniqueLabel('three')
    const { runId } = await indexedRun('dashboard/three-steps', { label }, 'dash-three-steps', (status) => status === 'Completed')
    const { get, post } = await session()
    expect(await (await get(`/dashboard/runs/${runId}`)).text()).toContain('id="rerun-from-step"')
    const response = await post(`/dashboard/runs/${runId}/rerun`, { from: 'two' })
    expect(response.status).toBe(303)
    const rerunId = /\/runs\/(\w{26})\?done=rerun$/.exec(response.headers.get('location')!)![1]!
    const rerun = await waitForRun(rerunId, (r) => r.status === 'Completed')
    // Step one's result is the first run's (its body ran once in all); two and three ran again.
    expect(rerun.output).toBe('1,2,2')
    expect([hits(`three:${label}:one`), hits(`three:${label}:two`), hits(`three:${label}:three`)]).toEqual([1, 2, 2])
    expect((await post(`/dashboard/runs/${runId}/rerun`, { from: 'no-such-step' })).status).toBe(404)
  })

  it('answers 404 for a run that does not exist', async () => {
    const { get } = await session()
    expect((await get(`/dashboard/runs/${ulid()}`)).status).toBe(404)
    expect((await get('/dashboard/runs/not-a-run')).status).toBe(404)
  })
})

describe('runs view', () => {
  it('lists runs newest first with function, app, status and trigger, and finds one by run or event id', async () => {
    const first = await indexedRun('test/hello', { name: 'one' }, 'shop-hello-world', (status) => status === 'Completed')
    const second = await indexedRun('test/hello', { name: 'two' }, 'shop-hello-world', (status) => status === 'Completed')
    const { get } = await session()
    const page = await (await get('/dashboard?function=shop-hello-world')).text()
    expect(page.indexOf(second.runId)).toBeGreaterThan(0)
    expect(page.indexOf(second.runId)).toBeLessThan(page.indexOf(first.runId))
    expect(page).toMatch(new RegExp(`data-run-id="${first.runId}"[\\s\\S]*?<td>shop-hello-world</td>\\s*<td>shop</td>[\\s\\S]*?data-status="Completed"[\\s\\S]*?test/hello`))
    for (const q of [first.runId, first.eventId]) {
      const found = await (await get(`/dashboard?q=${q}`)).text()
      expect(found, q).toContain(`data-run-id="${first.runId}"`)
      expect(found, q).not.toContain(`data-run-id="${second.runId}"`)
    }
  })

  it('pages with a cursor: 50 a page, the next page older', async () => {
    const functionId = `paging-${ulid().toLowerCase()}`
    const entries: RunIndexEntry[] = Array.from({ length: 120 }, (_, i) => ({ runId: ulid(1_000_000 + i), functionId, status: 'Completed', eventId: null, eventName: null, queuedAt: 1_000_000 + i, startedAt: 1_000_000 + i, endedAt: 1_000_100 + i }))
    await Promise.all(entries.map((entry) => recordRunInIndex(indexEnv, entry)))
    const { get } = await session()
    const seen: string[] = []
    let path = `/dashboard?function=${functionId}`
    for (let pageNumber = 0; pageNumber < 3; pageNumber++) {
      const page = await (await get(path)).text()
      seen.push(...[...page.matchAll(/<tr data-run-id="(\w+)"/g)].map((m) => m[1]!))
      const next = /<a rel="next" href="([^"]+)"/.exec(page)?.[1]
      if (!next) break
      path = next.replace(/&amp;/g, '&')
    }
    expect(seen).toEqual(entries.map((e) => e.runId).reverse())
  })

  it('filters by status and time range', async () => {
    const functionId = `filter-${ulid().toLowerCase()}`
    const at = Date.parse('2030-01-01T00:00:00Z')
    const statuses = ['Running', 'Failed', 'Completed'] as const
    const entries: RunIndexEntry[] = statuses.map((status, i) => ({ runId: ulid(at + i * 60_000), functionId, status, eventId: null, eventName: null, queuedAt: at + i * 60_000, startedAt: at, endedAt: status === 'Running' ? null : at + 1 }))
    for (const entry of entries) await recordRunInIndex(indexEnv, entry)
    const { get } = await session()
    const ids = async (query: string) => [...(await (await get(`/dashboard?function=${functionId}&${query}`)).text()).matchAll(/<tr data-run-id="(\w+)"/g)].map((m) => m[1])
    expect(await ids('status=Failed')).toEqual([entries[1]!.runId])
    expect(await ids('status=Failed&status=Running')).toEqual([entries[1]!.runId, entries[0]!.runId])
    expect(await ids('from=2030-01-01T00:01:00&to=2030-01-01T00:02:00')).toEqual([entries[1]!.runId])
  })
})

describe('events, send, replay, functions, invoke', () => {
  it('sends an event from the form and shows it with its run; replays it under a new id', async () => {
    const { get, post } = await session()
    const sent = await post('/dashboard/send', { event: JSON.stringify({ name: 'test/hello', data: { name: 'Form' } }) })
    expect(sent.status).toBe(303)
    const eventId = /\/events\/(\w+)\?sent=1$/.exec(sent.headers.get('location')!)![1]!
    const runId = await runIdFor(eventId, 'shop-hello-world')
    await waitForRun(runId, (r) => r.status === 'Completed')
    const page = await (await get(`/dashboard/events/${eventId}`)).text()
    expect(page).toContain('&quot;name&quot;: &quot;Form&quot;')
    expect(page).toContain(`data-run-id="${runId}"`)
    expect(await (await get('/dashboard/events?name=test/hello')).text()).toContain(eventId)
    const replayed = await post(`/dashboard/events/${eventId}/replay`)
    const replayId = /\/events\/(\w+)\?sent=1$/.exec(replayed.headers.get('location')!)![1]!
    expect(replayId).not.toBe(eventId)
    const rerun = await waitForRun(await runIdFor(replayId, 'shop-hello-world'), (r) => r.status === 'Completed')
    expect(rerun.output).toBe('Hello, Form!')
  })

  it('refuses an invalid event with the Event API’s reason, sending nothing', async () => {
    const { post } = await session()
    const bad = await post('/dashboard/send', { event: '{"data":{}}' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(/event\[0\]\.name/)
    expect((await post('/dashboard/send', { event: '{not json' })).status).toBe(400)
  })

  it('lists functions with triggers, next cron ticks in their zone, retries and flow control', async () => {
    const { get } = await session()
    const page = await (await get('/dashboard/functions')).text()
    expect(page).toContain('data-function-id="shop-hello-world"')
    expect(page).toMatch(/event <code>test\/hello<\/code>/)
    expect(page).toMatch(/cron <code>TZ=Europe\/Paris 0 9 \* \* \*<\/code><ul class="ticks">(<li><time datetime="[^"]+T0[78]:00:00.000Z">[^<]+09:00:00[^<]*<\/time> <span class="muted">\(Europe\/Paris\)<\/span><\/li>){3}/)
    expect(page).toMatch(/data-function-id="shop-sync-user"[\s\S]*?&quot;limit&quot;: 10/)
  })

  it('invokes a function with data', async () => {
    const { post } = await session()
    const response = await post('/dashboard/functions/shop-hello-world/invoke', { data: '{"name":"Invoked"}' })
    expect(response.status).toBe(303)
    const runId = /\/runs\/(\w{26})\?done=invoked$/.exec(response.headers.get('location')!)![1]!
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.output).toBe('Hello, Invoked!')
    expect(run.events[0]!.name).toBe('inngest/function.invoked')
    expect((await post('/dashboard/functions/shop-hello-world/invoke', { data: '[1]' })).status).toBe(400)
  })
})

describe('bulk cancel', () => {
  it('previews how many unfinished runs match, then cancels exactly those', async () => {
    const sleeping = await Promise.all([0, 1, 2].map((i) => indexedRun('dashboard/sleepy', { i }, 'dash-sleepy', (_, state) => state === 'sleeping')))
    const { get, post } = await session()
    const window = { app_id: 'dash', function_id: 'sleepy', started_after: new Date(Date.now() - 60_000).toISOString().slice(0, 19), started_before: new Date(Date.now() + 60_000).toISOString().slice(0, 19) }
    const preview = await (await get(`/dashboard/bulk?preview=1&${new URLSearchParams(window)}`)).text()
    const count = Number(/<strong id="bulk-count">(\d+)<\/strong>/.exec(preview)![1])
    expect(count).toBeGreaterThanOrEqual(3)
    const narrowed = await (await get(`/dashboard/bulk?preview=1&${new URLSearchParams({ ...window, if: `event.data.i == 1` })}`)).text()
    expect(/<strong id="bulk-count">(\d+)<\/strong>/.exec(narrowed)![1]).toBe('1')
    const done = await (await post('/dashboard/bulk', window)).text()
    expect(done).toContain(`Cancelled ${count} run`)
    for (const { runId } of sleeping) expect((await runStub(runId).inspect()).status).toBe('Cancelled')
  })

  it('takes Inngest’s JSON shape at /cancellations and names what is wrong', async () => {
    const { cookie, csrf } = await session()
    const post = (body: unknown) => request('/dashboard/cancellations', { method: 'POST', body: JSON.stringify(body), headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' } })
    const ok = await post({ app_id: 'dash', function_id: 'sleepy', started_before: '2000-01-01T00:00:00Z' })
    expect(await ok.json()).toEqual({ data: { cancelled: 0 } })
    expect(((await (await post({ app_id: 'dash', function_id: 'nope', started_before: '2030-01-01T00:00:00Z' })).json()) as { error: string }).error).toContain('no function nope')
    expect((await post({ app_id: 'dash', function_id: 'sleepy' })).status).toBe(400)
  })
})

describe('live feed', () => {
  it('streams what the index records as server-sent events', async () => {
    const { cookie } = await session()
    const response = await request('/dashboard/live', { headers: { cookie } })
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let text = decoder.decode((await reader.read()).value)
    expect(text).toContain(': connected')
    const entry: RunIndexEntry = { runId: ulid(), functionId: 'live-test', status: 'Running', eventId: null, eventName: null, queuedAt: Date.now(), startedAt: Date.now(), endedAt: null }
    await recordRunInIndex(indexEnv, entry)
    while (!text.includes(entry.runId)) text += decoder.decode((await reader.read()).value)
    expect(text).toContain(`data: ${JSON.stringify({ runs: [entry] })}\n\n`)
    await reader.cancel()
  })

  it('forwards the same updates over a WebSocket, and refuses one opened from another origin', async () => {
    const { cookie } = await session()
    const refused = await request('/dashboard/live', { headers: { cookie, upgrade: 'websocket', origin: 'https://evil.example' } })
    expect(refused.status).toBe(403)
    const response = await request('/dashboard/live', { headers: { cookie, upgrade: 'websocket' } })
    const socket = response.webSocket!
    const received: string[] = []
    socket.addEventListener('message', (message) => {
      received.push(message.data as string)
    })
    socket.accept()
    const entry: RunIndexEntry = { runId: ulid(), functionId: 'live-socket-test', status: 'Completed', eventId: null, eventName: null, queuedAt: Date.now(), startedAt: Date.now(), endedAt: Date.now() }
    await recordRunInIndex(indexEnv, entry)
    await expect.poll(() => received.some((text) => text.includes(entry.runId))).toBe(true)
    expect(received.find((text) => text.includes(entry.runId))).toBe(JSON.stringify({ runs: [entry] }))
    socket.close(1000, 'done')
  })
})
