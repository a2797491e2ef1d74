/**
 * Who may use the dashboard. Dev mode (`INNGEST_DEV=1`): anyone, as the Inngest dev server.
 * Otherwise a session cookie (session.ts) got by signing in with `INNGEST_DASHBOARD_SECRET` or
 * the signing key (plain, or hashed as the SDK sends it); sign-in is rate-limited per address
 * (login-limit.ts). Every request but the sign-in page needs the session; every POST also needs
 * the session's CSRF token (form field `_csrf` or header `x-csrf-token`) and, when the browser
 * says where it comes from, the same origin.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { html } from 'hono/html'
import { sameBytes } from '../../actors/engine/constant-time.js'
import { hashedSigningKey } from '../routes/auth.js'
import { isDevMode, type InngestEnv } from '../env.js'
import type { DashboardEnv } from './dashboard-env.js'
import { banner, page, securityHeaders } from './layout.js'
import { LOGIN_WINDOW_MS, loginClient, mayTryLogin, noteFailedLogin } from './login-limit.js'
import { carriesCsrfToken, issueSession, readSession, sessionSecret, SESSION_COOKIE, SESSION_TTL_MS, type DashboardSession } from './session.js'

const NO_SECRET_FIX = 'set INNGEST_DASHBOARD_SECRET (or INNGEST_SIGNING_KEY) as a secret, or run in dev mode (INNGEST_DEV=1)'

/** Sets the nonce, base path and mode, and the security headers on whatever the dashboard answers. */
export function dashboardContext(basePath: string): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
    c.set('nonce', nonce)
    c.set('basePath', basePath)
    c.set('devMode', isDevMode(c.env))
    c.set('session', undefined)
    await next()
    for (const [name, value] of Object.entries(securityHeaders(nonce))) c.res.headers.set(name, value)
  }
}

function setSessionCookie(c: Context<DashboardEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Strict', path: c.get('basePath'), maxAge: SESSION_TTL_MS / 1000 })
}

/** Whether the browser says the request comes from another site (Fetch Metadata, else Origin). */
function crossSite(c: Context<DashboardEnv>): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site !== undefined) return site !== 'same-origin' && site !== 'none'
  const origin = c.req.header('origin')
  return origin !== undefined && origin !== new URL(c.req.url).origin
}

const unsafe = (method: string) => method !== 'GET' && method !== 'HEAD'

/**
 * Every dashboard route but sign-in: a valid session, or in dev mode one made on the spot. A page
 * without one redirects to sign-in; anything else answers 401. A POST needs the CSRF token.
 */
export const requireSession: MiddlewareHandler<DashboardEnv> = async (c, next) => {
  const secret = sessionSecret(c.env)
  if (secret === null) return c.json({ error: 'the dashboard has no secret to sign in with', fix: NO_SECRET_FIX }, 503)
  let session = await readSession(secret, getCookie(c, SESSION_COOKIE), Date.now())
  if (!session && c.get('devMode')) {
    const issued = await issueSession(secret, Date.now())
    setSessionCookie(c, issued.token)
    session = issued.session
    // A dev-mode POST without a session cannot carry its token: refused below like any other.
    if (unsafe(c.req.method)) return c.json({ error: 'no dashboard session: reload the page', fix: 'reload the page and try again' }, 403)
  }
  if (!session) {
    const base = c.get('basePath')
    if (!unsafe(c.req.method) && (c.req.header('accept') ?? '').includes('text/html')) {
      return c.redirect(`${base}/login?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}`, 302)
    }
    return c.json({ error: 'sign in to the dashboard first', fix: `sign in at ${base}/login` }, 401)
  }
  if (unsafe(c.req.method) && (crossSite(c) || !carriesCsrfToken(session, await csrfTokenOf(c)))) {
    return c.json({ error: 'missing or wrong CSRF token', field: '_csrf', fix: 'submit the form from the dashboard page (reload it if it is old)' }, 403)
  }
  c.set('session', session)
  return next()
}

async function csrfTokenOf(c: Context<DashboardEnv>): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token')
  if (header !== undefined) return header
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined
  const field = (await c.req.parseBody())._csrf
  return typeof field === 'string' ? field : undefined
}

/** Whether `given` is the dashboard secret or the signing key (plain or hashed). Compares digests, each in full. */
async function acceptsSecret(env: InngestEnv, given: string): Promise<boolean> {
  const signingKey = env.INNGEST_SIGNING_KEY
  const accepted = [env.INNGEST_DASHBOARD_SECRET, signingKey, signingKey ? await hashedSigningKey(signingKey) : undefined].filter((s): s is string => !!s)
  const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  const givenDigest = await digest(given)
  let match = false
  for (const secret of accepted) {
    match = sameBytes(givenDigest, await digest(secret)) || match
  }
  return given !== '' && match
}

/** Where to go after signing in: a dashboard path, never another site. */
function safeNext(base: string, next: string | undefined): string {
  return next && (next === base || next.startsWith(`${base}/`) || next.startsWith(`${base}?`)) && !next.startsWith('//') && !/[\\\r\n]/.test(next) ? next : base
}

function loginPage(c: Context<DashboardEnv>, message?: ReturnType<typeof banner>, next = c.req.query('next')) {
  const base = c.get('basePath')
  return page(
    c,
    'login',
    'Sign in',
    html`${message ?? ''}
<form method="post" action="${base}/login" class="panel" autocomplete="off">
  <input type="hidden" name="next" value="${safeNext(base, next)}">
  <label>Dashboard secret or signing key <input type="password" name="secret" required autofocus size="48"></label>
  <p><button>Sign in</button></p>
  <p class="muted">INNGEST_DASHBOARD_SECRET, or INNGEST_SIGNING_KEY (signkey-…, plain or hashed).</p>
</form>`,
  )
}

/** `GET /login`, `POST /login` (rate-limited), `POST /logout`. */
export const loginRoutes = new Hono<DashboardEnv>()
  .get('/login', (c) => (c.get('devMode') ? c.redirect(c.get('basePath'), 302) : c.html(loginPage(c))))
  .post('/login', async (c) => {
    if (c.get('devMode')) return c.redirect(c.get('basePath'), 303)
    const secret = sessionSecret(c.env)
    if (secret === null) return c.html(loginPage(c, banner('error', `Nothing to sign in with: ${NO_SECRET_FIX}.`)), 503)
    if (crossSite(c)) return c.html(loginPage(c, banner('error', 'Sign in from this page.')), 403)
    const index = c.env.INNGEST_RUN_INDEX
    if (!index) return c.html(loginPage(c, banner('error', 'Sign-in is rate-limited through the run index: bind INNGEST_RUN_INDEX (class RunIndexActor).')), 503)
    const client = loginClient(c.req.raw)
    if (!(await mayTryLogin(index, client))) {
      c.header('retry-after', String(LOGIN_WINDOW_MS / 1000))
      return c.html(loginPage(c, banner('error', 'Too many failed sign-ins from your address: try again in 15 minutes.')), 429)
    }
    const form = await c.req.parseBody()
    const given = typeof form.secret === 'string' ? form.secret : ''
    const next = typeof form.next === 'string' ? form.next : undefined
    if (!(await acceptsSecret(c.env, given))) {
      await noteFailedLogin(index, client)
      return c.html(loginPage(c, banner('error', 'That is neither the dashboard secret nor the signing key.'), next), 401)
    }
    const { token } = await issueSession(secret, Date.now())
    setSessionCookie(c, token)
    return c.redirect(safeNext(c.get('basePath'), next), 303)
  })

/** `POST /logout` (behind the session and its CSRF token): clears the cookie. */
export function logout(c: Context<DashboardEnv>): Response {
  deleteCookie(c, SESSION_COOKIE, { path: c.get('basePath'), secure: true, httpOnly: true, sameSite: 'Strict' })
  return c.redirect(`${c.get('basePath')}/login`, 303)
}

export type { DashboardSession }
