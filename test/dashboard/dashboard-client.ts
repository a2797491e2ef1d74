/**
 * Test helpers: the dashboard as a browser reaches it, through the test worker (signing key
 * `signkey-test-0123456789`, not dev mode) or through `inngestRoutes({ dashboard: true })` with
 * another env (dev mode, other secrets).
 */
import { Hono } from 'hono'
import { ulid } from 'ulid'
import { inngestRoutes } from '../../src/hono.js'
import type { InngestEnv } from '../../src/index.js'
import { request, testEnv } from '../fixtures/runs.js'

export const SIGNING_KEY = 'signkey-test-0123456789'
export const HTML = { accept: 'text/html' }

/** The worker's routes with the dashboard, for requests with an env of the test's choosing. */
export const routes = new Hono<{ Bindings: InngestEnv }>().route('/', inngestRoutes({ dashboard: true }))

/** A request to `routes` with `env` (the test worker's bindings plus overrides). */
export function requestWith(env: Partial<InngestEnv> & Record<string, unknown>, path: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(routes.request(path, init, { ...testEnv, ...env }))
}

/** A client address of its own, so that each test has its own sign-in rate limit. */
export const freshAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${ulid().slice(-3)}`

/** POSTs the sign-in form. */
export function signIn(secret: string, address = freshAddress(), send: typeof request = request, next?: string): Promise<Response> {
  const body = new URLSearchParams({ secret, ...(next ? { next } : {}) })
  return send('/dashboard/login', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': address }, redirect: 'manual' })
}

/** The `name=value` of a response's Set-Cookie, for a Cookie header. */
export function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie')
  if (!header) throw new Error(`no Set-Cookie (status ${response.status})`)
  return header.split(';')[0]!
}

/** The CSRF token a page carries in its meta tag. */
export function csrfOf(page: string): string {
  const token = /<meta name="csrf-token" content="([^"]*)">/.exec(page)?.[1]
  if (!token) throw new Error('no csrf-token meta tag on the page')
  return token
}

/** A signed-in session through the test worker: its cookie and CSRF token. */
export async function session(): Promise<{ cookie: string; csrf: string; get: (path: string) => Promise<Response>; post: (path: string, fields?: Record<string, string>) => Promise<Response> }> {
  const cookie = cookieOf(await signIn(SIGNING_KEY))
  const get = (path: string) => request(path, { headers: { ...HTML, cookie }, redirect: 'manual' })
  const csrf = csrfOf(await (await get('/dashboard/functions')).text())
  const post = (path: string, fields: Record<string, string> = {}) =>
    request(path, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, ...fields }), headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' })
  return { cookie, csrf, get, post }
}
