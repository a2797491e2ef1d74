/**
 * Everything the dashboard shows from events and runs is attacker-controlled: event names and
 * data, step ids, outputs and errors. Each view renders the classic payloads as text, never as
 * markup, and the CSP would refuse an injected script anyway.
 */
import { describe, expect, it, vi } from 'vitest'
import { recordRunInIndex } from '../../actors/run-index/index.js'
import { AUTH, request, runIdFor, sendEvent, testEnv, waitForRun } from '../fixtures/runs.js'
import { session } from './dashboard-client.js'
import { entryFromInspection } from '../../src/dashboard/run-entries.js'
import './dashboard-functions.js'

const PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"]
const HOSTILE = PAYLOADS.join(' ')

/** No payload appears as markup: no tag or attribute the payloads would open. */
function expectInert(page: string): void {
  for (const payload of PAYLOADS) expect(page).not.toContain(payload)
  expect(page).not.toMatch(/<script>alert|<img src=x|<svg onload|onerror=alert\(1\)>/)
  // Every script on the page is ours: it carries the nonce.
  for (const tag of page.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/^<script nonce="[\w+/=]+">$/)
}

describe('hostile event data and step output', () => {
  it('renders inert on the runs, run, events, event and bulk views', async () => {
    const eventId = await sendEvent('dashboard/hostile', { text: HOSTILE, [HOSTILE]: HOSTILE })
    const runId = await runIdFor(eventId, 'dash-echo-hostile')
    const run = await waitForRun(runId, (r) => r.status === 'Completed')
    expect(run.steps.some((step) => step.error?.message.includes('<script>'))).toBe(true)
    await recordRunInIndex(testEnv as never, entryFromInspection(runId, run)!)
    const { get } = await session()
    const views = [`/dashboard/runs/${runId}`, '/dashboard', `/dashboard?q=${eventId}`, '/dashboard/events', `/dashboard/events/${eventId}`, '/dashboard/events?name=dashboard/hostile']
    for (const path of views) {
      const response = await get(path)
      expect(response.status, path).toBe(200)
      const page = await response.text()
      expectInert(page)
      if (path.startsWith('/dashboard/runs/') || path.startsWith('/dashboard/events/')) expect(page, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    }
    const runPage = await (await get(`/dashboard/runs/${runId}`)).text()
    expect(runPage).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;')
    expect(runPage).toContain('boom &lt;script&gt;')
  })

  it('renders an event name with markup inert', async () => {
    const name = 'dashboard/<b>bold</b>"x'
    const eventId = await sendEvent(name, {})
    const { get } = await session()
    for (const path of ['/dashboard/events', `/dashboard/events/${eventId}`, `/dashboard/events?name=${encodeURIComponent(name)}`]) {
      const page = await (await get(path)).text()
      expect(page, path).not.toContain('<b>bold</b>')
      expect(page, path).toContain('&lt;b&gt;bold&lt;/b&gt;')
    }
  })

  it('echoes a hostile search or filter back as text', async () => {
    const { get } = await session()
    const page = await (await get(`/dashboard?q=${encodeURIComponent(HOSTILE)}&function=${encodeURIComponent(HOSTILE)}`)).text()
    expectInert(page)
    const send = await (await get(`/dashboard/bulk?preview=1&app_id=${encodeURIComponent(HOSTILE)}&function_id=x&started_before=2030-01-01T00:00:00`)).text()
    expectInert(send)
  })
})

describe('a hostile synced app', () => {
  const appUrl = `http://hostile-app.test/api/inngest?${HOSTILE}`
  const fn = (id: string, trigger: Record<string, string>) => ({ id, name: HOSTILE, triggers: [trigger], steps: { step: { id: 'step', name: HOSTILE, runtime: { type: 'http', url: appUrl } } } })
  /** `&amp;`, `&#39;` … in an attribute, as the browser reads it. */
  const attribute = (text: string) => text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

  it('renders its id, URL, SDK, functions and refusals inert on the apps view, and can be removed', async () => {
    const body = { appName: HOSTILE, url: appUrl, sdk: HOSTILE, framework: HOSTILE, functions: [fn(`${HOSTILE}-ok`, { event: `dashboard/${HOSTILE}` }), fn(`${HOSTILE}-bad`, { event: 'dashboard/x', expression: HOSTILE })] }
    const synced = await request('/fn/register', { method: 'POST', headers: AUTH, body: JSON.stringify(body) })
    expect(((await synced.json()) as { functions: string[] }).functions).toEqual([`${HOSTILE}-ok`])
    const { get, post } = await session()
    const page = await (await get('/dashboard/apps')).text()
    expectInert(page)
    expect(page).toContain('<h2>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; &#39;&gt;&lt;svg onload=alert(1)&gt;</h2>')
    expect(page).toContain('Refused at sync (1)')
    const action = /<form method="post" action="([^"]+)" class="remove"/.exec(page.slice(page.indexOf('data-app-id="&lt;script&gt;')))![1]!
    const removed = await post(attribute(action))
    expect(removed.status).toBe(303)
    expect(removed.headers.get('location')).toBe(`/dashboard/apps?${new URLSearchParams({ done: 'removed', app: HOSTILE }).toString()}`)
    const after = await (await get(removed.headers.get('location')!)).text()
    expectInert(after)
    expect(after).toContain('Removed app &lt;script&gt;alert(1)&lt;/script&gt;')
    expect(after).not.toContain('data-app-id="&lt;script&gt;')
  })

  it('renders a hostile URL and the error its app answers the sync with inert', async () => {
    vi.stubGlobal('fetch', async () => Response.json({ message: HOSTILE }, { status: 500 }))
    try {
      const { post } = await session()
      const response = await post('/dashboard/apps', { url: appUrl })
      expect(response.status).toBe(500)
      const page = await response.text()
      expectInert(page)
      expect(page).toContain('Sync failed:</strong> &lt;script&gt;alert(1)&lt;/script&gt;')
      expect(page).toContain(`value="http://hostile-app.test/api/inngest?&lt;script&gt;`)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
