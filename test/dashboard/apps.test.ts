/**
 * The apps view with real apps on the official SDK (v4), served in this isolate: it lists each
 * synced app with its functions and triggers, syncs an app by URL (in band, as POST /v1/apps)
 * and says what went wrong when a sync fails, resyncs and removes apps, needs a session and the
 * CSRF token for each of those, and tells a worker without the registry how to get one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { useAppFetch } from '../../actors/apps/synced-functions.js'
import { findFunction } from '../../actors/registry.js'
import { AUTH, request } from '../fixtures/runs.js'
import { officialClient, servedApp } from '../server/official-app.js'
import { HTML, requestWith, session } from './dashboard-client.js'

const APP_URL = 'http://dash-apps.test/api/inngest'
const PARTIAL_URL = 'http://dash-apps-partial.test/api/inngest'

const client = officialClient('dash-apps')
const app = servedApp(client, [
  client.createFunction({ id: 'hello', name: 'Say hello', triggers: { event: 'dash-apps/hello', if: 'event.data.ok == true' } }, async ({ step }) => step.run('greet', () => 'hello')),
  client.createFunction({ id: 'new-year', triggers: { cron: 'TZ=Europe/Paris 0 0 1 1 *' } }, async () => 'happy new year'),
])
const partialClient = officialClient('dash-apps-partial')
const partialApp = servedApp(partialClient, [
  partialClient.createFunction({ id: 'fine', triggers: { event: 'dash-apps-partial/fine' } }, async () => 'fine'),
  // A period the server cannot read: the sync refuses this function alone.
  partialClient.createFunction({ id: 'too-soon', throttle: { limit: 1, period: 'soon' as '1m' }, triggers: { event: 'dash-apps-partial/soon' } }, async () => 'never'),
])

/** How this isolate reaches the apps: by host; `unreachable.test` refuses the connection. */
const realFetch = globalThis.fetch
const reachApps = ((input: RequestInfo | URL, init?: RequestInit) => {
  const host = new URL(input instanceof Request ? input.url : String(input)).host
  if (host === 'dash-apps.test') return app(input, init)
  if (host === 'dash-apps-partial.test') return partialApp(input, init)
  if (host === 'unreachable.test') return Promise.reject(new TypeError('Network connection lost.'))
  return realFetch(input, init)
}) as typeof fetch

const cardOf = (page: string, appId: string) => {
  const start = page.indexOf(`<section class="panel app" data-app-id="${appId}">`)
  return start < 0 ? null : page.slice(start, page.indexOf('</section>', start))
}

beforeAll(async () => {
  // The executor reaches the apps through useAppFetch; the sync by URL (addApp) through fetch.
  useAppFetch(reachApps)
  vi.stubGlobal('fetch', reachApps)
  expect(await (await app(APP_URL, { method: 'PUT' })).json()).toMatchObject({ message: 'Successfully registered' })
})
afterAll(() => {
  vi.unstubAllGlobals()
  useAppFetch(undefined)
})

describe('the apps view', () => {
  it('lists a synced app: URL, SDK, how and when it synced, its functions and their triggers', async () => {
    const { get } = await session()
    const response = await get('/dashboard/apps')
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toMatch(/<a href="\/dashboard\/apps" aria-current="page">Apps<\/a>/)
    const card = cardOf(page, 'dash-apps')!
    expect(card).toContain('<dd class="mono app-url">http://dash-apps.test/api/inngest</dd>')
    expect(card).toMatch(/<dt>SDK<\/dt><dd>js:v4\.[^<]+<\/dd>/)
    expect(card).toContain('out of band (the app posted its functions)')
    expect(card).toMatch(/<dt>Last synced<\/dt><dd><time class="mono" datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z<\/time>/)
    expect(card).toContain('Functions (2)')
    expect(card).toContain('Say hello')
    expect(card).toContain('dash-apps-hello')
    expect(card).toContain('event <code>dash-apps/hello</code> if <code>event.data.ok == true</code>')
    expect(card).toContain('cron <code>TZ=Europe/Paris 0 0 1 1 *</code>')
    expect(card).toContain('href="/dashboard?function=dash-apps-hello"')
    expect(card).not.toContain('Refused at sync')
  })

  it('syncs an app by URL through the form, in band, and says so', async () => {
    const { get, post } = await session()
    const synced = await post('/dashboard/apps', { url: APP_URL })
    expect(synced.status).toBe(303)
    const location = synced.headers.get('location')!
    expect(location).toMatch(/^\/dashboard\/apps\?done=synced&app=dash-apps&modified=[01]$/)
    const page = await (await get(location)).text()
    expect(page).toMatch(/<p class="notice" role="status">Synced app dash-apps: (its functions changed|nothing changed)\.<\/p>/)
    expect(cardOf(page, 'dash-apps')).toContain('in band (by URL)')
  })

  it('resyncs an app with its Resync button: the same URL again', async () => {
    const { get, post } = await session()
    const card = cardOf(await (await get('/dashboard/apps')).text(), 'dash-apps')!
    const resync = /<form method="post" action="\/dashboard\/apps" class="resync">.*?<input type="hidden" name="url" value="([^"]+)">/.exec(card)
    expect(resync?.[1]).toBe(APP_URL)
    const response = await post('/dashboard/apps', { url: resync![1]! })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/dashboard/apps?done=synced&app=dash-apps&modified=0')
  })

  it('shows what went wrong and the fix: not an http(s) URL, an app it cannot reach, a refused function', async () => {
    const { post } = await session()
    const notUrl = await post('/dashboard/apps', { url: 'localhost:3000/api/inngest' })
    expect(notUrl.status).toBe(400)
    const notUrlPage = await notUrl.text()
    expect(notUrlPage).toContain('localhost:3000/api/inngest is not an http(s) URL')
    expect(notUrlPage).toContain('Fix: enter it in full, e.g. http://localhost:3000/api/inngest.')
    expect(notUrlPage).toContain('name="url" value="localhost:3000/api/inngest"')

    const unreachable = await post('/dashboard/apps', { url: 'http://unreachable.test/api/inngest' })
    expect(unreachable.status).toBe(502)
    const unreachablePage = await unreachable.text()
    expect(unreachablePage).toContain('could not reach the app at http://unreachable.test/api/inngest: Network connection lost.')
    expect(unreachablePage).toContain('Fix: check that the app is running')

    const partial = await post('/dashboard/apps', { url: PARTIAL_URL })
    expect(partial.status).toBe(400)
    const partialPage = await partial.text()
    expect(partialPage).toMatch(/Sync failed:<\/strong> app dash-apps-partial: synced 1 function\(s\), refused 1: dash-apps-partial-too-soon/)
    expect(partialPage).toContain('Fix: correct each refused function')
    const card = cardOf(partialPage, 'dash-apps-partial')!
    expect(card).toContain('Functions (1)')
    expect(card).toContain('Refused at sync (1)')
    expect(card).toMatch(/<tr data-function-id="dash-apps-partial-too-soon"><td class="mono">dash-apps-partial-too-soon<\/td><td class="error-text">[^<]+<\/td><td class="mono">throttle\.period<\/td><td>[^<—]+<\/td><\/tr>/)
  })

  it('removes an app: it leaves the page, and its functions start no new runs', async () => {
    const { get, post } = await session()
    expect((await post('/dashboard/apps', { url: PARTIAL_URL })).status).toBe(400) // synced, one function refused
    expect(findFunction('dash-apps-partial-fine')?.options.triggers).toEqual([{ event: 'dash-apps-partial/fine' }])
    const card = cardOf(await (await get('/dashboard/apps')).text(), 'dash-apps-partial')!
    const action = /<form method="post" action="([^"]+)" class="remove" data-confirm="Remove app dash-apps-partial\?/.exec(card)?.[1]
    expect(action).toBe('/dashboard/apps/dash-apps-partial/remove')
    const removed = await post(action!)
    expect(removed.status).toBe(303)
    expect(removed.headers.get('location')).toBe('/dashboard/apps?done=removed&app=dash-apps-partial')
    const page = await (await get(removed.headers.get('location')!)).text()
    expect(page).toContain('Removed app dash-apps-partial: its functions start no new runs; runs in flight finish.')
    expect(cardOf(page, 'dash-apps-partial')).toBeNull()
    expect(cardOf(page, 'dash-apps')).not.toBeNull()
    // This isolate dropped the triggers at once, as DELETE /v1/apps/:appId does.
    expect(findFunction('dash-apps-partial-fine')?.options.triggers).toEqual([])
    expect((await request('/v1/apps/dash-apps-partial/functions', { headers: AUTH })).status).toBe(404)

    const again = await post(action!)
    expect(again.status).toBe(404)
    expect(await again.text()).toContain('No app dash-apps-partial is synced: nothing to remove.')
  })

  it('refuses a sync or a removal without the CSRF token or without a session', async () => {
    const { cookie } = await session()
    const form = (path: string, fields: Record<string, string>, headers: Record<string, string>) =>
      request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, redirect: 'manual' })
    expect((await form('/dashboard/apps', { url: APP_URL }, { cookie })).status).toBe(403)
    expect((await form('/dashboard/apps/dash-apps/remove', {}, { cookie })).status).toBe(403)
    expect((await form('/dashboard/apps', { url: APP_URL, _csrf: 'forged' }, { cookie })).status).toBe(403)
    expect((await form('/dashboard/apps/dash-apps/remove', { _csrf: 'forged' }, {})).status).toBe(401)
    expect((await request('/v1/apps/dash-apps/functions', { headers: AUTH })).status).toBe(200)
  })
})

describe('a worker without the INNGEST_APPS binding', () => {
  it('shows the page with how to enable it, and syncs nothing', async () => {
    const { cookie, csrf } = await session()
    const noApps = (path: string, init: RequestInit = {}) => requestWith({ INNGEST_APPS: undefined }, path, { ...init, headers: { ...HTML, cookie, ...init.headers } })
    const response = await noApps('/dashboard/apps')
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toContain('This worker serves no synced apps: bind <code>INNGEST_APPS</code>')
    expect(page).toContain('Use inngest.do as your Inngest server')
    expect(page).not.toContain('id="sync-app"')
    const posted = await noApps('/dashboard/apps', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, url: APP_URL }), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(posted.status).toBe(501)
    expect(await posted.text()).toContain('bind <code>INNGEST_APPS</code>')
  })
})
