/**
 * Who gets in: outside dev mode nothing under /dashboard answers without a session (pages
 * redirect to sign-in, everything else 401), sign-in takes the dashboard secret or the signing
 * key, sessions are signed cookies that expire, every POST needs the session's CSRF token, and
 * sign-in is rate-limited per address. Dev mode is open.
 */
import { describe, expect, it } from 'vitest'
import { hashedSigningKey } from '../../src/routes/auth.js'
import { dashboard } from '../../src/routes/dashboard.js'
import { request } from '../fixtures/runs.js'
import { cookieOf, csrfOf, freshAddress, HTML, requestWith, session, signIn, SIGNING_KEY } from './dashboard-client.js'

const SOME_RUN = '01ARZ3NDEKTSV4RRFFQ69G5FAV'
const SIGN_IN_PATHS = ['/dashboard/login']

/** Every route the dashboard registers, its parameters filled in. */
const everyRoute = dashboard()
  .routes.filter((route) => route.method !== 'ALL' && !SIGN_IN_PATHS.includes(route.path))
  .map((route) => ({ method: route.method, path: route.path.replace(':runId', SOME_RUN).replace(':eventId', 'some-event').replace(':functionId', 'shop-hello-world').replace(':appId', 'some-app') }))

describe('outside dev mode, without a session', () => {
  it('lists the routes it checks', () => {
    expect(everyRoute.length).toBeGreaterThanOrEqual(16)
    expect(everyRoute.some((r) => r.method === 'POST' && r.path.endsWith('/cancel'))).toBe(true)
    expect(everyRoute).toEqual(expect.arrayContaining([{ method: 'GET', path: '/dashboard/apps' }, { method: 'POST', path: '/dashboard/apps' }, { method: 'POST', path: '/dashboard/apps/some-app/remove' }]))
  })

  it.each(everyRoute)('refuses $method $path', async ({ method, path }) => {
    const response = await request(path, { method, headers: HTML, redirect: 'manual' })
    if (method === 'GET') {
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe(`/dashboard/login?next=${encodeURIComponent(path)}`)
    } else {
      expect(response.status).toBe(401)
    }
    expect(await response.text()).not.toMatch(/shop-hello-world|<table/)
  })

  it('answers 401 to a script (no text/html), and to an unknown path under /dashboard', async () => {
    expect((await request('/dashboard/live')).status).toBe(401)
    expect((await request('/dashboard/nothing', { redirect: 'manual' })).status).toBe(401)
  })

  it('refuses a forged, tampered or expired cookie', async () => {
    const good = cookieOf(await signIn(SIGNING_KEY))
    const [name, value] = good.split('=') as [string, string]
    const [expires, nonce, mac] = value.split('.') as [string, string, string]
    const forged = [`${name}=${Number(expires) + 1}.${nonce}.${mac}`, `${name}=${expires}.${nonce}.${'A'.repeat(43)}`, `${name}=1.${nonce}.${mac}`, `${name}=garbage`]
    for (const cookie of forged) expect((await request('/dashboard/events', { headers: { cookie }, redirect: 'manual' })).status, cookie).toBe(401)
    expect((await request('/dashboard/events', { headers: { cookie: good } })).status).toBe(200)
  })

  it('shows the sign-in page, and nothing else, to anyone', async () => {
    const response = await request('/dashboard/login')
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toContain('name="secret"')
    expect(page).not.toMatch(/<nav>/)
  })
})

describe('signing in', () => {
  it('takes the signing key and sets a signed, HttpOnly, Secure, SameSite=Strict, expiring cookie', async () => {
    const response = await signIn(SIGNING_KEY)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/dashboard')
    const cookie = response.headers.get('set-cookie')!
    expect(cookie).toMatch(/^inngest_dashboard=\d+\.[\w-]+\.[\w-]{43};/)
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/dashboard', 'Max-Age=43200']) expect(cookie).toContain(attribute)
  })

  it('takes the signing key in its hashed form, and INNGEST_DASHBOARD_SECRET', async () => {
    expect((await signIn(await hashedSigningKey(SIGNING_KEY))).status).toBe(303)
    const send = (path: string, init?: RequestInit) => requestWith({ INNGEST_DASHBOARD_SECRET: 'correct horse battery staple' }, path, init)
    expect((await signIn('correct horse battery staple', freshAddress(), send)).status).toBe(303)
  })

  it('refuses a wrong secret, and goes back only to a dashboard path', async () => {
    const wrong = await signIn('signkey-test-0123456788')
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('set-cookie')).toBeNull()
    for (const next of ['//evil.example/x', 'https://evil.example/', '/dashboardx', '/dashboard/\\evil']) {
      expect((await signIn(SIGNING_KEY, freshAddress(), request, next)).headers.get('location'), next).toBe('/dashboard')
    }
    expect((await signIn(SIGNING_KEY, freshAddress(), request, '/dashboard/events?name=x')).headers.get('location')).toBe('/dashboard/events?name=x')
  })

  it('refuses every sign-in from an address after 5 failures, the right secret too, but not other addresses', async () => {
    const address = freshAddress()
    for (let i = 0; i < 5; i++) expect((await signIn(`wrong-${i}`, address)).status).toBe(401)
    const limited = await signIn(SIGNING_KEY, address)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('900')
    expect(limited.headers.get('set-cookie')).toBeNull()
    expect((await signIn(SIGNING_KEY, freshAddress())).status).toBe(303)
  })

  it('answers 503 when there is nothing to sign in with', async () => {
    const response = await requestWith({ INNGEST_SIGNING_KEY: undefined, INNGEST_DASHBOARD_SECRET: undefined }, '/dashboard', { headers: HTML })
    expect(response.status).toBe(503)
    expect(await response.text()).toContain('INNGEST_DASHBOARD_SECRET')
  })

  it('signs out: the cookie is cleared', async () => {
    const { post } = await session()
    const response = await post('/dashboard/logout')
    expect(response.status).toBe(303)
    expect(response.headers.get('set-cookie')).toMatch(/inngest_dashboard=;.*Max-Age=0/)
  })
})

describe('CSRF', () => {
  it('refuses a POST without the token, with another session’s token, or from another site', async () => {
    const { cookie, csrf } = await session()
    const other = await session()
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      request('/dashboard/send', { method: 'POST', body: new URLSearchParams({ event: '{"name":"dashboard/csrf","data":{}}', ...fields }), headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, redirect: 'manual' })
    expect((await form({})).status).toBe(403)
    expect((await form({ _csrf: other.csrf })).status).toBe(403)
    expect((await form({ _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await form({ _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await form({ _csrf: csrf }, { 'sec-fetch-site': 'same-origin' })).status).toBe(303)
  })

  it('takes the token from the x-csrf-token header for JSON', async () => {
    const { cookie, csrf } = await session()
    const post = (headers: Record<string, string>) => request('/dashboard/send', { method: 'POST', body: '{"name":"dashboard/csrf-json","data":{}}', headers: { cookie, 'content-type': 'application/json', ...headers } })
    expect((await post({})).status).toBe(403)
    const sent = await post({ 'x-csrf-token': csrf })
    expect(sent.status).toBe(200)
    expect(((await sent.json()) as { ids: string[] }).ids).toHaveLength(1)
  })
})

describe('dev mode', () => {
  const dev = (path: string, init?: RequestInit) => requestWith({ INNGEST_DEV: '1' }, path, init)

  it('opens every page without signing in, and hands out a session for the CSRF token', async () => {
    for (const path of ['/dashboard', '/dashboard/events', '/dashboard/send', '/dashboard/functions', '/dashboard/apps', '/dashboard/bulk']) {
      const response = await dev(path, { headers: HTML })
      expect(response.status, path).toBe(200)
      expect(response.headers.get('set-cookie'), path).toMatch(/^inngest_dashboard=/)
    }
    expect((await dev('/dashboard/login', { redirect: 'manual' })).status).toBe(302)
  })

  it('still needs the CSRF token to POST', async () => {
    const page = await dev('/dashboard/send', { headers: HTML })
    const cookie = cookieOf(page)
    const csrf = csrfOf(await page.text())
    const post = (fields: Record<string, string>) => dev('/dashboard/send', { method: 'POST', body: new URLSearchParams({ event: '{"name":"dashboard/dev","data":{}}', ...fields }), headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' })
    expect((await post({})).status).toBe(403)
    expect((await post({ _csrf: csrf })).status).toBe(303)
  })
})

describe('headers', () => {
  it('sends a nonce CSP, no framing, no caching on every page', async () => {
    const { get } = await session()
    const response = await get('/dashboard/events')
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toMatch(/script-src 'nonce-[\w+/=]+'/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('cache-control')).toBe('no-store')
  })
})
